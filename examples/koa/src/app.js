// A small Koa app on DynamoDB: routes written the way DynamoDB's guidance
// recommends, and deliberately unsafe ones, so that ddbwatch has something to
// find. Each unsafe route of the injection set has a safe twin that takes the
// same input. Do not copy the unsafe ones.
//
//   GET /users/:id              safe: validated id, GetItem with marshall()
//   GET /users                  UNSAFE: Scan of the whole table, no Limit
//   GET /records?table=&id=     UNSAFE: the table name comes from the query string
//   GET /search?field=&value=   UNSAFE: expression text built from the query string
//   GET /search-safe            its twin: the field from an allow-list, as #name
//   GET /legacy/search?field=&op=&value=  UNSAFE: ScanFilter built from the query string
//   GET /legacy/search-safe     its twin: FilterExpression, the operator fixed
//   GET /pql/users/:id          UNSAFE: the id spliced into a PartiQL statement
//   GET /pql-safe/users/:id     its twin: a ? parameter
//   POST /lookup {userId}       UNSAFE: a regular expression as the only check (arrays pass)
//   POST /lookup-safe           its twin: typeof userId === 'string'
//   PUT /users/:id/theme {theme}   UNSAFE: the body's value marshalled as it is
//   PUT /users-safe/:id/theme      its twin: a short string only
//   PUT /users/:id {...}        UNSAFE: the body spread into the item
//   PUT /users-safe/:id         its twin: only displayName and email
//   PATCH /users/:id {...}      UNSAFE: SET clauses from Object.keys(body)
//   PATCH /users-safe/:id       its twin: an allow-list of attributes
//   GET /users/:id/fields?fields=a,b   UNSAFE: the caller picks the projection
//   GET /users-safe/:id/fields         its twin: an allow-list of fields
import Koa from 'koa';
import Router from '@koa/router';
import {
  GetItemCommand, ScanCommand, ExecuteStatementCommand, UpdateItemCommand, PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { koaCallsite } from 'ddbwatch-callsite';

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEARCHABLE = new Set(['displayName', 'email']);
const PUBLIC_FIELDS = new Set(['userId', 'displayName', 'email', 'theme']);
const EDITABLE = new Set(['displayName', 'email']);

// The JSON body of a request ({} when there is none); 400 when it is not JSON.
async function readJson(ctx) {
  let text = '';
  for await (const chunk of ctx.req) {
    text += chunk;
    if (text.length > 65536) ctx.throw(413, 'body too large');
  }
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    ctx.throw(400, 'body is not JSON');
  }
}

// Answers 400 with the DynamoDB error's name when a call fails.
async function answer(ctx, fn) {
  try {
    ctx.body = await fn();
  } catch (e) {
    if (e.status) throw e; // ctx.throw
    ctx.status = 400;
    ctx.body = { error: e.name };
  }
}

const items = (out) => (out.Items || []).map((i) => unmarshall(i));

export function createApp({ ddb, table = 'Users' }) {
  const app = new Koa();
  const router = new Router();

  // Safe: the id is checked to be a short string before it reaches DynamoDB,
  // the table is a constant, and the key is built with marshall().
  router.get('/users/:id', async (ctx) => {
    const { id } = ctx.params;
    if (typeof id !== 'string' || !USER_ID.test(id)) ctx.throw(400, 'bad user id');
    const out = await ddb.send(new GetItemCommand({ TableName: table, Key: marshall({ userId: id }) }));
    if (!out.Item) ctx.throw(404, 'no such user');
    ctx.body = unmarshall(out.Item);
  });

  // UNSAFE: reads every item of the table on each call, with no Limit.
  router.get('/users', async (ctx) => {
    const out = await ddb.send(new ScanCommand({ TableName: table }));
    ctx.body = items(out);
  });

  // UNSAFE: the caller chooses the table.
  router.get('/records', async (ctx) => {
    const { table: name, id } = ctx.query;
    await answer(ctx, async () => {
      const out = await ddb.send(new GetItemCommand({ TableName: String(name), Key: marshall({ userId: String(id) }) }));
      return out.Item ? unmarshall(out.Item) : null;
    });
  });

  // UNSAFE: the attribute name is spliced into the FilterExpression text.
  router.get('/search', async (ctx) => {
    const { field = 'displayName', value = '' } = ctx.query;
    await answer(ctx, async () => items(await ddb.send(new ScanCommand({
      TableName: table,
      Limit: 50,
      FilterExpression: `${field} = :v`,
      ExpressionAttributeValues: marshall({ ':v': String(value) }),
    }))));
  });

  // Safe twin of /search (and of /legacy/search): the field comes from an
  // allow-list and travels as a #name, the value as a :value, the operator is fixed.
  async function safeSearch(ctx) {
    const { field = 'displayName', value = '' } = ctx.query;
    if (!SEARCHABLE.has(field)) ctx.throw(400, 'unknown field');
    await answer(ctx, async () => items(await ddb.send(new ScanCommand({
      TableName: table,
      Limit: 50,
      FilterExpression: '#f = :v',
      ExpressionAttributeNames: { '#f': field },
      ExpressionAttributeValues: marshall({ ':v': String(value) }),
    }))));
  }
  router.get('/search-safe', safeSearch);

  // UNSAFE: a legacy ScanFilter whose attribute and operator come from the
  // query string (the classic filter-object injection).
  router.get('/legacy/search', async (ctx) => {
    const { field = 'displayName', op = 'EQ', value } = ctx.query;
    const condition = { ComparisonOperator: String(op) };
    if (value !== undefined) condition.AttributeValueList = [{ S: String(value) }];
    await answer(ctx, async () => items(await ddb.send(new ScanCommand({
      TableName: table, Limit: 50, ScanFilter: { [String(field)]: condition },
    }))));
  });

  // Safe twin: an expression with a fixed operator; the field from an allow-list.
  router.get('/legacy/search-safe', safeSearch);

  // UNSAFE: the id is concatenated into the PartiQL statement.
  router.get('/pql/users/:id', async (ctx) => {
    await answer(ctx, async () => items(await ddb.send(new ExecuteStatementCommand({
      Statement: `SELECT * FROM "${table}" WHERE userId = '${ctx.params.id}'`,
    }))));
  });

  // Safe twin: the id is a ? parameter.
  router.get('/pql-safe/users/:id', async (ctx) => {
    await answer(ctx, async () => items(await ddb.send(new ExecuteStatementCommand({
      Statement: `SELECT * FROM "${table}" WHERE userId = ?`,
      Parameters: [{ S: String(ctx.params.id) }],
    }))));
  });

  // UNSAFE: the regular expression is the only check, and RegExp.test()
  // converts an array to a string: {"userId": ["u1"]} passes and marshall()
  // makes it a list.
  router.post('/lookup', async (ctx) => {
    const { userId } = await readJson(ctx);
    if (!USER_ID.test(userId)) ctx.throw(400, 'bad user id');
    await answer(ctx, async () => {
      const out = await ddb.send(new GetItemCommand({ TableName: table, Key: marshall({ userId }) }));
      return out.Item ? unmarshall(out.Item) : null;
    });
  });

  // Safe twin: the type is checked first.
  router.post('/lookup-safe', async (ctx) => {
    const { userId } = await readJson(ctx);
    if (typeof userId !== 'string' || !USER_ID.test(userId)) ctx.throw(400, 'bad user id');
    await answer(ctx, async () => {
      const out = await ddb.send(new GetItemCommand({ TableName: table, Key: marshall({ userId }) }));
      return out.Item ? unmarshall(out.Item) : null;
    });
  });

  // Both theme routes write the same way; only the safe one checks the input.
  const setTheme = (ctx, theme) => answer(ctx, async () => {
    await ddb.send(new UpdateItemCommand({
      TableName: table,
      Key: marshall({ userId: ctx.params.id }),
      UpdateExpression: 'SET #t = :t',
      ExpressionAttributeNames: { '#t': 'theme' },
      ExpressionAttributeValues: marshall({ ':t': theme }),
    }));
    return { ok: true };
  });

  // UNSAFE: whatever the body holds becomes the attribute's value.
  router.put('/users/:id/theme', async (ctx) => {
    const { theme } = await readJson(ctx);
    await setTheme(ctx, theme);
  });

  // Safe twin: a short string only.
  router.put('/users-safe/:id/theme', async (ctx) => {
    const { theme } = await readJson(ctx);
    if (typeof theme !== 'string' || theme.length > 32) ctx.throw(400, 'bad theme');
    await setTheme(ctx, theme);
  });

  // UNSAFE: the body is spread into the item (mass assignment).
  router.put('/users/:id', async (ctx) => {
    const body = await readJson(ctx);
    await answer(ctx, async () => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: marshall({ ...body, userId: ctx.params.id }) }));
      return { ok: true };
    });
  });

  // Safe twin: only the fields a user may set.
  router.put('/users-safe/:id', async (ctx) => {
    const { displayName, email } = await readJson(ctx);
    if (typeof displayName !== 'string' || (email !== undefined && typeof email !== 'string')) ctx.throw(400, 'bad user');
    await answer(ctx, async () => {
      const item = { userId: ctx.params.id, displayName, ...(email !== undefined ? { email } : {}) };
      await ddb.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
      return { ok: true };
    });
  });

  // UpdateItem with one SET clause per attribute given.
  async function update(id, body) {
    const keys = Object.keys(body);
    await ddb.send(new UpdateItemCommand({
      TableName: table,
      Key: marshall({ userId: id }),
      UpdateExpression: 'SET ' + keys.map((k, i) => `#k${i} = :v${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])),
      ExpressionAttributeValues: marshall(Object.fromEntries(keys.map((k, i) => [`:v${i}`, body[k]]))),
    }));
    return { ok: true };
  }

  // UNSAFE: a SET clause for every member of the body.
  router.patch('/users/:id', async (ctx) => {
    const body = await readJson(ctx);
    if (!Object.keys(body).length) ctx.throw(400, 'nothing to change');
    await answer(ctx, () => update(ctx.params.id, body));
  });

  // Safe twin: only allow-listed string attributes.
  router.patch('/users-safe/:id', async (ctx) => {
    const body = await readJson(ctx);
    const changes = Object.fromEntries(Object.entries(body).filter(([k, v]) => EDITABLE.has(k) && typeof v === 'string'));
    if (!Object.keys(changes).length) ctx.throw(400, 'nothing to change');
    await answer(ctx, () => update(ctx.params.id, changes));
  });

  // A GetItem projecting the given fields (as #names).
  async function fields(id, names) {
    const out = await ddb.send(new GetItemCommand({
      TableName: table,
      Key: marshall({ userId: id }),
      ProjectionExpression: names.map((_, i) => `#f${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
    }));
    return out.Item ? unmarshall(out.Item) : null;
  }

  // UNSAFE: the caller chooses which attributes to read.
  router.get('/users/:id/fields', async (ctx) => {
    const names = String(ctx.query.fields || 'displayName').split(',').filter(Boolean);
    await answer(ctx, () => fields(ctx.params.id, names));
  });

  // Safe twin: unknown fields are dropped.
  router.get('/users-safe/:id/fields', async (ctx) => {
    const names = String(ctx.query.fields || 'displayName').split(',').filter((n) => PUBLIC_FIELDS.has(n));
    if (!names.length) ctx.throw(400, 'no known field');
    await answer(ctx, () => fields(ctx.params.id, names));
  });

  // Names ddbwatch's call sites "<METHOD> <route>|<file>:<line>"; with
  // requestIds, each answer lists the x-amzn-RequestId of its DynamoDB calls.
  app.use(koaCallsite({ requestIds: true }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
