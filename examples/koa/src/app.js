// A small Koa app on DynamoDB: one route written the way DynamoDB's guidance
// recommends, and three that are deliberately unsafe, so that ddbwatch has
// something to find. Do not copy the unsafe ones.
//
//   GET /users/:id          safe: validated id, GetItem with marshall()
//   GET /users              UNSAFE: Scan of the whole table, no Limit
//   GET /records?table=&id= UNSAFE: the table name comes from the query string
//   GET /search?field=&value=  UNSAFE: expression text built from the query string
import Koa from 'koa';
import Router from '@koa/router';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { koaCallsite } from 'ddbwatch-callsite';

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
    ctx.body = (out.Items || []).map((i) => unmarshall(i));
  });

  // UNSAFE: the caller chooses the table.
  router.get('/records', async (ctx) => {
    const { table: name, id } = ctx.query;
    try {
      const out = await ddb.send(new GetItemCommand({ TableName: String(name), Key: marshall({ userId: String(id) }) }));
      ctx.body = out.Item ? unmarshall(out.Item) : null;
    } catch (e) {
      ctx.status = 400;
      ctx.body = { error: e.name };
    }
  });

  // UNSAFE: the attribute name is spliced into the FilterExpression text.
  router.get('/search', async (ctx) => {
    const { field = 'displayName', value = '' } = ctx.query;
    try {
      const out = await ddb.send(new ScanCommand({
        TableName: table,
        Limit: 50,
        FilterExpression: `${field} = :v`,
        ExpressionAttributeValues: marshall({ ':v': String(value) }),
      }));
      ctx.body = (out.Items || []).map((i) => unmarshall(i));
    } catch (e) {
      ctx.status = 400;
      ctx.body = { error: e.name };
    }
  });

  app.use(koaCallsite()); // names ddbwatch's call sites "<METHOD> <route>|<file>:<line>"
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
