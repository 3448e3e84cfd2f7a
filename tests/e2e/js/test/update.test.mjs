// UpdateItem with the AWS SDK for JavaScript v3: every UpdateExpression verb
// (SET with + and -, if_not_exists, list_append, nested paths and list
// indexes; REMOVE including list elements; ADD numbers and sets; DELETE from
// sets), creating the item when absent, ReturnValues, key attributes, the
// 400 KB limits (the finished item and UpdateItem's statement size), the
// 32-level limit, capacity, and DynamoDB's errors; an update that fails never
// changes the stored item.
//
// Texts: DynamoDB's 2026 validation layer as us-east-1 answers it (paritysuite
// tests/tier3/error-messages/updateItem.test.ts, limits/itemSizeBySurface.test.ts);
// DynamoDB Local 1.25 answers without the "1 validation error detected: "
// envelope and sizes updates by the finished item only (localDiffers).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  endpoint, client, uniqueName, expectError, stopSharedServer, IS_DDBLOCAL,
} from '../lib/env.mjs';
import { canon, same } from '../lib/values.mjs';

let ddb;
const T = uniqueName('upd'); // pk S
const TR = uniqueName('upd-r'); // pk S, sk N
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const ENV = '1 validation error detected: ';
const send = (Cmd, input) => ddb.send(new Cmd(input));
const put = (Item, TableName = T) => send(PutItemCommand, { TableName, Item });
const get = async (Key, TableName = T) => (await send(GetItemCommand, { TableName, Key, ConsistentRead: true })).Item;
const update = (Key, UpdateExpression, values, extra = {}) => send(UpdateItemCommand, {
  TableName: T, Key, UpdateExpression, ...(values ? { ExpressionAttributeValues: values } : {}), ...extra,
});


before(async () => {
  ddb = client(await endpoint());
  const mk = (TableName, keys) => send(CreateTableCommand, {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map(([n, t]) => ({ AttributeName: n, AttributeType: t })),
    KeySchema: keys.map(([n], i) => ({ AttributeName: n, KeyType: i ? 'RANGE' : 'HASH' })),
  });
  await mk(T, [['pk', 'S']]);
  await mk(TR, [['pk', 'S'], ['sk', 'N']]);
});

after(async () => {
  for (const t of [T, TR]) {
    try { await send(DeleteTableCommand, { TableName: t }); } catch { /* gone */ }
  }
  ddb.destroy();
  await stopSharedServer();
});

// The error of a request that must leave key's item as it was.
async function refused(Key, run, expect) {
  const before = await get(Key);
  const err = await expectError(run(), expect);
  same(await get(Key), before, 'a refused update leaves the item unchanged');
  return err;
}

test('SET: values, + and -, if_not_exists, list_append, nested maps and list indexes', async () => {
  const key = { pk: S('set') };
  await put({ ...key, n: N(10), m: { M: { a: N(1), inner: { M: {} } } }, l: { L: [S('a'), S('b')] } });
  const out = await update(key,
    'SET n = n + :five, d = n - :half, c = if_not_exists(c, :zero), n2 = if_not_exists(n, :zero), '
    + 'l = list_append(l, :tail), front = list_append(:head, l), m.b = :s, m.#inner.deep = :s, m.a = m.a + :five',
    { ':five': N(5), ':half': N('0.5'), ':zero': N(0), ':tail': { L: [S('c')] }, ':head': { L: [S('z')] }, ':s': S('x') },
    { ReturnValues: 'ALL_NEW', ExpressionAttributeNames: { '#inner': 'inner' } });
  same(out.Attributes, {
    ...key, n: N(15), d: N('9.5'), c: N(0), n2: N(10),
    l: { L: [S('a'), S('b'), S('c')] }, front: { L: [S('z'), S('a'), S('b')] },
    m: { M: { a: N(6), b: S('x'), inner: { M: { deep: S('x') } } } },
  });
  // An index past the end appends; several appends land in index order.
  await update(key, 'SET l[10] = :y, l[7] = :x, l[0] = :w', { ':x': S('x'), ':y': S('y'), ':w': S('w') });
  same((await get(key)).l, { L: [S('w'), S('b'), S('c'), S('x'), S('y')] });
  // Operands are read before any action applies: a swap.
  await put({ ...key, a: S('A'), b: S('B') });
  await update(key, 'SET a = b, b = a');
  same(await get(key), { ...key, a: S('B'), b: S('A') });
  // Exact decimal arithmetic.
  await put({ ...key, x: N('0.1') });
  await update(key, 'SET x = x + :y', { ':y': N('0.2') });
  same((await get(key)).x, N('0.3'));
});

test('REMOVE: attributes, map members and list elements (indexes of the old list)', async () => {
  const key = { pk: S('remove') };
  await put({ ...key, a: S('a'), m: { M: { x: N(1), y: N(2) } }, l: { L: [S('0'), S('1'), S('2'), S('3')] } });
  await update(key, 'REMOVE a, m.x, l[0], l[2], nosuch, m.nosuch, l[9]');
  same(await get(key), { ...key, m: { M: { y: N(2) } }, l: { L: [S('1'), S('3')] } });
});

test('ADD and DELETE: numbers, string/number/binary sets; a set left empty is removed', async () => {
  const key = { pk: S('add') };
  await put({ ...key, n: N(1), ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] }, bs: { BS: [Uint8Array.of(1)] } });
  await update(key, 'ADD n :two, ss :ss, ns :ns, bs :bs, newn :two, newss :ss',
    { ':two': N(2), ':ss': { SS: ['b', 'c'] }, ':ns': { NS: ['2.0', '3'] }, ':bs': { BS: [Uint8Array.of(2)] } });
  same(await get(key), {
    ...key, n: N(3), ss: { SS: ['a', 'b', 'c'] }, ns: { NS: ['1', '2', '3'] },
    bs: { BS: [Uint8Array.of(1), Uint8Array.of(2)] }, newn: N(2), newss: { SS: ['b', 'c'] },
  });
  await update(key, 'DELETE ss :a, ns :all, nosuch :a', { ':a': { SS: ['a', 'zz'] }, ':all': { NS: ['1', '2', '3'] } });
  const item = await get(key);
  same(item.ss, { SS: ['b', 'c'] });
  assert.equal(item.ns, undefined, 'an emptied set disappears');
});

test('the item is created when absent, with its key; no expression at all writes the key', async () => {
  const out = await send(UpdateItemCommand, {
    TableName: TR, Key: { pk: S('new'), sk: N(1) }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': S('x') },
    ReturnValues: 'ALL_NEW',
  });
  same(out.Attributes, { pk: S('new'), sk: N(1), v: S('x') });
  const bare = await send(UpdateItemCommand, { TableName: TR, Key: { pk: S('bare'), sk: N(2) }, ReturnValues: 'ALL_NEW' });
  same(bare.Attributes, { pk: S('bare'), sk: N(2) });
  same(await get({ pk: S('bare'), sk: N(2) }, TR), { pk: S('bare'), sk: N(2) });
});

test('ReturnValues: NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW', async () => {
  const key = { pk: S('rv') };
  await put({ ...key, a: N(1), b: N(2), keep: S('k') });
  const set = (rv) => update(key, 'SET a = a + :one REMOVE b', { ':one': N(1) }, { ReturnValues: rv });
  assert.equal((await set('NONE')).Attributes, undefined);
  await put({ ...key, a: N(1), b: N(2), keep: S('k') });
  same((await set('ALL_OLD')).Attributes, { ...key, a: N(1), b: N(2), keep: S('k') });
  await put({ ...key, a: N(1), b: N(2), keep: S('k') });
  same((await set('UPDATED_OLD')).Attributes, { a: N(1), b: N(2) });
  await put({ ...key, a: N(1), b: N(2), keep: S('k') });
  same((await set('ALL_NEW')).Attributes, { ...key, a: N(2), keep: S('k') });
  await put({ ...key, a: N(1), b: N(2), keep: S('k') });
  same((await set('UPDATED_NEW')).Attributes, { a: N(2) });
  // Nothing old to return: no Attributes.
  const fresh = await update({ pk: S('rv-new') }, 'SET a = :one', { ':one': N(1) }, { ReturnValues: 'UPDATED_OLD' });
  assert.equal(fresh.Attributes, undefined);
});

test('key attributes cannot be updated', async () => {
  await refused({ pk: S('k') }, () => update({ pk: S('k') }, 'SET pk = :v', { ':v': S('x') }), {
    name: 'ValidationException',
    message: 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
  });
  await expectError(send(UpdateItemCommand, {
    TableName: TR, Key: { pk: S('k'), sk: N(1) }, UpdateExpression: 'REMOVE sk',
  }), {
    name: 'ValidationException',
    message: 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key',
  });
  await expectError(update({ pk: S('k') }, 'SET #k.x = :v', { ':v': S('x') }, { ExpressionAttributeNames: { '#k': 'pk' } }), {
    name: 'ValidationException',
    message: 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
  });
});

test('expression errors, in DynamoDB\'s words, change nothing', async () => {
  const key = { pk: S('errs') };
  await put({ ...key, n: N(1), s: S('x'), l: { L: [] }, ss: { SS: ['a'] } });
  const cases = [
    [() => update(key, 'INVALID SYNTAX HERE', { ':v': S('val') }),
      'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'],
    [() => update(key, ''), 'Invalid UpdateExpression: The expression can not be empty;'],
    [() => update(key, 'SET a = :v'), 'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v'],
    [() => update(key, 'SET a = :v', { ':v': S('x'), ':unused': S('y') }), 'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}'],
    [() => update(key, 'SET a = :v', { ':v': S('x') }, { ExpressionAttributeNames: { '#unused': 'x' } }),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}'],
    [() => update(key, 'SET name = :v', { ':v': S('x') }), 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name'],
    [() => update(key, 'SET a = :v, a = :v', { ':v': S('x') }),
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]'],
    [() => update(key, 'SET b = :w', { ':w': S('x') }, { ConditionExpression: 'a = :v' }),
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v'],
  ];
  for (const [p, message] of cases) {
    await refused(key, p, { name: 'ValidationException', message: `${ENV}${message}`, localDiffers: true });
  }
  // Errors found while applying: the stored item decides.
  const runtime = [
    [() => update(key, 'SET nope.deep = :v', { ':v': S('x') }), 'The document path provided in the update expression is invalid for update'],
    [() => update(key, 'SET n = s + :v', { ':v': N(1) }), 'An operand in the update expression has an incorrect data type'],
    [() => update(key, 'SET n = nosuch + :v', { ':v': N(1) }), 'The provided expression refers to an attribute that does not exist in the item'],
    [() => update(key, 'ADD s :v', { ':v': N(1) }), 'An operand in the update expression has an incorrect data type'],
    [() => update(key, 'DELETE ss :v', { ':v': { NS: ['1'] } }), 'An operand in the update expression has an incorrect data type'],
    [() => update(key, 'SET l = list_append(l, s)'), 'An operand in the update expression has an incorrect data type'],
  ];
  for (const [p, message] of runtime) await refused(key, p, { name: 'ValidationException', message });
});

test('a failed condition returns the old item when asked, and writes nothing', async () => {
  const key = { pk: S('cond') };
  await put({ ...key, v: N(1) });
  const err = await refused(key, () => update(key, 'SET v = :two', { ':two': N(2), ':one': N(9) }, {
    ConditionExpression: 'v = :one', ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }), { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
  same(err.Item, { ...key, v: N(1) });
  await update(key, 'SET v = :two', { ':two': N(2), ':one': N(1) }, { ConditionExpression: 'v = :one' });
  same((await get(key)).v, N(2));
  // A condition on an item that does not exist sees no attributes.
  await expectError(update({ pk: S('cond-none') }, 'SET v = :one', { ':one': N(1) }, { ConditionExpression: 'attribute_exists(pk)' }), {
    name: 'ConditionalCheckFailedException',
  });
  assert.equal(await get({ pk: S('cond-none') }), undefined);
});

test('size: the finished item may not pass 400 KB ("Item size to update")', async () => {
  const key = { pk: S('size-' + 'k'.repeat(100)) }; // a long key: the finished item is what binds
  await put({ ...key, a: S('x'.repeat(300000)) });
  await refused(key, () => update(key, 'SET b = :b', { ':b': S('y'.repeat(120000)) }), {
    name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size',
  });
});

// us-east-1 also sizes the statement itself: 3 bytes, plus per SET 19 + the
// target's name + the value, so a one-byte key leaves 409,600 - 3 - 19 - 1
// bytes for the value of "SET b = :pad" (paritysuite itemSizeBySurface).
test('size: UpdateItem\'s statement size (us-east-1)', { skip: IS_DDBLOCAL }, async () => {
  const pad = (n) => ({ ':pad': S('p'.repeat(n)) });
  const limit = 409600 - 3 - 19 - 1;
  await update({ pk: S('K') }, 'SET b = :pad', pad(limit));
  same((await get({ pk: S('K') })).b, S('p'.repeat(limit)));
  await expectError(update({ pk: S('L') }, 'SET b = :pad', pad(limit + 1)), {
    name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size',
  });
  assert.equal(await get({ pk: S('L') }), undefined);
  // A REMOVE costs 1 + its path; checked before the condition.
  await expectError(update({ pk: S('M') }, 'SET b = :pad REMOVE r', pad(limit - 1), { ConditionExpression: 'attribute_exists(nothing)' }), {
    name: 'ValidationException', message: 'Item size to update has exceeded the maximum allowed size',
  });
});

test('depth: a SET that nests a value past 32 levels is refused', async () => {
  let deep = S('leaf');
  for (let i = 0; i < 31; i++) deep = { M: { n: deep } };
  const key = { pk: S('deep') };
  await put({ ...key, m: { M: {} } });
  await refused(key, () => update(key, 'SET m.x = :d', { ':d': deep }), {
    name: 'ValidationException',
    message: 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
    localDiffers: true,
  });
  await update(key, 'SET x = :d', { ':d': deep });
});

test('secondary-index keys: SET to an empty value or another type is refused', async () => {
  const TG = uniqueName('upd-gsi');
  await send(CreateTableCommand, {
    TableName: TG, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  });
  try {
    const u = (v) => send(UpdateItemCommand, { TableName: TG, Key: { pk: S('a') }, UpdateExpression: 'SET g = :v', ExpressionAttributeValues: { ':v': v } });
    await expectError(u(S('')), {
      name: 'ValidationException',
      message: 'One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.',
    });
    // (DynamoDB Local stores this one.)
    if (!IS_DDBLOCAL) {
      await expectError(u(N(1)), {
        name: 'ValidationException',
        message: 'One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g',
      });
    }
    assert.equal(await get({ pk: S('a') }, TG), undefined, 'nothing was written');
    await u(S('ok'));
  } finally {
    await send(DeleteTableCommand, { TableName: TG });
  }
});

test('ExpressionAttributeValues or Names without an expression; invalid ReturnValues', async () => {
  await expectError(send(UpdateItemCommand, { TableName: T, Key: { pk: S('x') }, ExpressionAttributeValues: { ':v': S('x') } }), {
    name: 'ValidationException', message: `${ENV}ExpressionAttributeValues can only be specified when using expressions`, localDiffers: true,
  });
  await expectError(send(UpdateItemCommand, { TableName: T, Key: { pk: S('x') }, ExpressionAttributeNames: { '#a': 'a' } }), {
    name: 'ValidationException', message: `${ENV}ExpressionAttributeNames can only be specified when using expressions`, localDiffers: true,
  });
  await expectError(update({ pk: S('x') }, 'SET a = :v', { ':v': S('x') }, { ReturnValues: 'BOGUS' }), {
    name: 'ValidationException', message: /enum value set/, localDiffers: true,
  });
  await expectError(update({ pk: S('x') }, 'SET a = :v', { ':v': S('x') }, { TableName: uniqueName('missing') }), {
    name: 'ResourceNotFoundException', message: 'Requested resource not found', localDiffers: true,
  });
  await expectError(send(UpdateItemCommand, {
    TableName: T, Key: { pk: S('x'), extra: S('y') }, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': S('x') },
  }), { name: 'ValidationException', message: 'The provided key element does not match the schema', localDiffers: true });
});

test('ConsumedCapacity: write units of the larger of the old and new item', async () => {
  const key = { pk: S('cap') };
  await put({ ...key, a: S('x'.repeat(3000)) });
  const out = await update(key, 'REMOVE a', undefined, { ReturnConsumedCapacity: 'TOTAL' });
  assert.equal(out.ConsumedCapacity.TableName, T);
  assert.equal(out.ConsumedCapacity.CapacityUnits, 3);
});

test('lib-dynamodb document client UpdateCommand', async () => {
  const doc = DynamoDBDocumentClient.from(ddb);
  const out = await doc.send(new UpdateCommand({
    TableName: T, Key: { pk: 'doc' },
    UpdateExpression: 'SET #c = if_not_exists(#c, :zero) + :inc, tags = :tags',
    ExpressionAttributeNames: { '#c': 'count' },
    ExpressionAttributeValues: { ':zero': 0, ':inc': 2, ':tags': new Set(['x']) },
    ReturnValues: 'ALL_NEW',
  }));
  assert.deepEqual(out.Attributes, { pk: 'doc', count: 2, tags: new Set(['x']) });
});
