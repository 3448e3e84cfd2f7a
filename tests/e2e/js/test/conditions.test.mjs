// ConditionExpression on PutItem, UpdateItem and DeleteItem, and
// ProjectionExpression on GetItem and BatchGetItem, with the AWS SDK for
// JavaScript v3: every comparator and function, missing items and attributes,
// ConditionalCheckFailedException with the old item (ReturnValuesOnCondition-
// CheckFailure), ReturnValues of PutItem and DeleteItem, and the request-
// validation errors in the envelope of DynamoDB's 2026 validation layer
// (paritysuite tests/tier3/error-messages/{putItem,deleteItem}.test.ts,
// us-east-1 2026-10-09). DynamoDB Local answers without the envelope
// (localDiffers).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, GetItemCommand, DeleteItemCommand,
  UpdateItemCommand, BatchGetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { endpoint, client, uniqueName, expectError, stopSharedServer } from '../lib/env.mjs';

let ddb;
const T = uniqueName('cond'); // pk S
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const ENV = '1 validation error detected: ';
const send = (Cmd, input) => ddb.send(new Cmd(input));
const get = async (Key, extra = {}) => (await send(GetItemCommand, { TableName: T, Key, ConsistentRead: true, ...extra })).Item;

before(async () => {
  ddb = client(await endpoint());
  await send(CreateTableCommand, {
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
});

after(async () => {
  try { await send(DeleteTableCommand, { TableName: T }); } catch { /* gone */ }
  ddb.destroy();
  await stopSharedServer();
});

const ITEM = {
  pk: S('subject'), s: S('hello'), n: N(10), b: { B: Uint8Array.of(1, 2, 3) }, t: { BOOL: true }, z: { NULL: true },
  ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] }, l: { L: [S('x'), N(3)] }, m: { M: { k: S('v'), deep: { M: { x: N(1) } } } },
};

// Does the condition hold on ITEM? (A PutItem of ITEM itself, so nothing changes.)
async function holds(ConditionExpression, values, names) {
  try {
    await send(PutItemCommand, {
      TableName: T, Item: ITEM, ConditionExpression,
      ...(values ? { ExpressionAttributeValues: values } : {}),
      ...(names ? { ExpressionAttributeNames: names } : {}),
    });
    return true;
  } catch (e) {
    if (e.name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

test('comparators, BETWEEN, IN, AND/OR/NOT and parentheses', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  const v = { ':ten': N(10), ':nine': N('9.0'), ':hello': S('hello'), ':b': { B: Uint8Array.of(1, 2) }, ':t': { BOOL: true } };
  const rows = [
    ['n = :ten', true], ['n <> :ten', false], ['n < :nine', false], ['n > :nine', true], ['n <= :ten', true],
    ['n >= :ten', true], ['s = :hello', true], ['b > :b', true], ['t = :t', true],
    ['n BETWEEN :nine AND :ten', true], ['s BETWEEN :b AND :b', false], ['n IN (:nine, :ten)', true],
    ['n IN (:nine, :hello)', false], ['n = :hello', false], ['n <> :hello', true], ['s < :ten', false],
    ['NOT n = :ten OR s = :hello', true], ['NOT (n = :ten OR s = :hello)', false],
    ['n = :ten AND (s = :ten OR t = :t)', true], ['m.deep.x = :one', true], ['l[1] = :three', true],
    ['nosuch = :ten', false], ['nosuch <> :ten', true], ['nosuch < :ten', false],
  ];
  for (const [cond, want] of rows) {
    const values = Object.fromEntries(Object.entries({ ...v, ':one': N(1), ':three': N(3) }).filter(([k]) => new RegExp(`${k}\\b`).test(cond)));
    assert.equal(await holds(cond, values), want, cond);
  }
});

test('functions: attribute_exists / not_exists / type, begins_with, contains, size', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  const rows = [
    ['attribute_exists(m.deep.x)', true], ['attribute_exists(m.nosuch)', false], ['attribute_not_exists(l[5])', true],
    ['attribute_type(ss, :SS)', true], ['attribute_type(n, :S)', false], ['attribute_type(z, :NULL)', true],
    ['begins_with(s, :he)', true], ['begins_with(s, :lo)', false], ['begins_with(b, :b12)', true],
    ['contains(s, :ll)', true], ['contains(ss, :a)', true], ['contains(ns, :two)', true], ['contains(l, :x)', true],
    ['contains(l, :a)', false], ['contains(b, :b23)', true],
    ['size(s) = :five', true], ['size(b) = :three', true], ['size(ss) = :two', true], ['size(l) = :two', true],
    ['size(m) = :two', true], ['size(n) = :two', false], ['size(nosuch) < :five', false],
  ];
  const v = {
    ':SS': S('SS'), ':S': S('S'), ':NULL': S('NULL'), ':he': S('he'), ':lo': S('lo'), ':b12': { B: Uint8Array.of(1, 2) },
    ':ll': S('ll'), ':a': S('a'), ':two': N(2), ':x': S('x'), ':b23': { B: Uint8Array.of(2, 3) }, ':five': N(5), ':three': N(3),
  };
  for (const [cond, want] of rows) {
    const values = Object.fromEntries(Object.entries(v).filter(([k]) => new RegExp(`${k}\\b`).test(cond)));
    assert.equal(await holds(cond, Object.keys(values).length ? values : undefined), want, cond);
  }
});

test('PutItem: attribute_not_exists guards creation; the old item on failure when asked', async () => {
  const key = { pk: S('create-once') };
  await send(PutItemCommand, { TableName: T, Item: { ...key, v: N(1) }, ConditionExpression: 'attribute_not_exists(pk)' });
  const err = await expectError(send(PutItemCommand, {
    TableName: T, Item: { ...key, v: N(2) }, ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }), { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
  assert.deepEqual(err.Item, { ...key, v: N(1) });
  const plain = await expectError(send(PutItemCommand, {
    TableName: T, Item: { ...key, v: N(2) }, ConditionExpression: 'attribute_not_exists(pk)',
  }), { name: 'ConditionalCheckFailedException' });
  assert.equal(plain.Item, undefined, 'no Item unless asked');
  assert.deepEqual((await get(key)).v, N(1));
  // ReturnValues ALL_OLD on success.
  const out = await send(PutItemCommand, {
    TableName: T, Item: { ...key, v: N(3) }, ConditionExpression: 'v = :one', ExpressionAttributeValues: { ':one': N(1) },
    ReturnValues: 'ALL_OLD',
  });
  assert.deepEqual(out.Attributes, { ...key, v: N(1) });
});

test('DeleteItem: conditional deletes, ReturnValues ALL_OLD, missing items', async () => {
  const key = { pk: S('del') };
  await send(PutItemCommand, { TableName: T, Item: { ...key, state: S('open') } });
  await expectError(send(DeleteItemCommand, {
    TableName: T, Key: key, ConditionExpression: '#s = :closed', ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':closed': S('closed') }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }), { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
  const out = await send(DeleteItemCommand, {
    TableName: T, Key: key, ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':open': S('open') }, ReturnValues: 'ALL_OLD',
  });
  assert.deepEqual(out.Attributes, { ...key, state: S('open') });
  assert.equal(await get(key), undefined);
  await expectError(send(DeleteItemCommand, { TableName: T, Key: key, ConditionExpression: 'attribute_exists(pk)' }), {
    name: 'ConditionalCheckFailedException',
  });
  // Optimistic locking with a version number.
  await send(PutItemCommand, { TableName: T, Item: { ...key, version: N(1) } });
  await send(UpdateItemCommand, {
    TableName: T, Key: key, UpdateExpression: 'SET version = version + :one', ConditionExpression: 'version = :v',
    ExpressionAttributeValues: { ':one': N(1), ':v': N(1) },
  });
  await expectError(send(UpdateItemCommand, {
    TableName: T, Key: key, UpdateExpression: 'SET version = version + :one', ConditionExpression: 'version = :v',
    ExpressionAttributeValues: { ':one': N(1), ':v': N(1) },
  }), { name: 'ConditionalCheckFailedException' });
});

test('request validation of PutItem and DeleteItem, inside the 2026 envelope', async () => {
  const Item = { pk: S('env') };
  const p = (extra) => () => send(PutItemCommand, { TableName: T, Item, ...extra });
  const d = (extra) => () => send(DeleteItemCommand, { TableName: T, Key: Item, ...extra });
  const cases = [
    [p({ ExpressionAttributeValues: { ':v': S('x') } }), 'ExpressionAttributeValues can only be specified when using expressions'],
    [p({ ExpressionAttributeNames: { '#a': 'a' } }), 'ExpressionAttributeNames can only be specified when using expressions'],
    [p({ ConditionExpression: '' }), 'Invalid ConditionExpression: The expression can not be empty;'],
    [p({ ConditionExpression: 'attribute_not_exists(pk)', Expected: { pk: { Exists: false } } }),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}'],
    [p({ ConditionExpression: '((attribute_not_exists(pk)))' }), 'Invalid ConditionExpression: The expression has redundant parentheses;'],
    [p({ ConditionExpression: 'contains(#a, #a)', ExpressionAttributeNames: { '#a': 'data' } }),
      'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]'],
    [p({ ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: { '#a': 'a', '#b': 'b' } }),
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}'],
    [d({ ConditionExpression: 'attribute_exists(a)', ExpressionAttributeValues: {} }), 'ExpressionAttributeValues must not be empty'],
    [d({ ConditionExpression: 'attribute_exists(a)', ExpressionAttributeNames: {} }), 'ExpressionAttributeNames must not be empty'],
    [d({ ReturnValues: 'ALL_NEW' }), 'ReturnValues can only be ALL_OLD or NONE'],
    [p({ ReturnValues: 'UPDATED_NEW' }), 'ReturnValues can only be ALL_OLD or NONE'],
  ];
  for (const [run, message] of cases) {
    await expectError(run(), { name: 'ValidationException', message: `${ENV}${message}`, localDiffers: true });
  }
  assert.equal(await get(Item), undefined, 'nothing was written');
});

test('GetItem ProjectionExpression: nested paths, list elements, names; an empty projection result is {}', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  const key = { pk: ITEM.pk };
  assert.deepEqual(await get(key, { ProjectionExpression: 's, m.deep.x, l[1], #n', ExpressionAttributeNames: { '#n': 'n' } }), {
    s: S('hello'), m: { M: { deep: { M: { x: N(1) } } } }, l: { L: [N(3)] }, n: N(10),
  });
  assert.deepEqual(await get(key, { ProjectionExpression: 'nosuch' }), {});
  assert.equal(await get({ pk: S('absent') }, { ProjectionExpression: 's' }), undefined);
  await expectError(send(GetItemCommand, { TableName: T, Key: key, ProjectionExpression: 'a, a' }), {
    name: 'ValidationException',
    message: 'Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
  });
  await expectError(send(GetItemCommand, { TableName: T, Key: key, ProjectionExpression: 's', AttributesToGet: ['s'] }), {
    name: 'ValidationException',
    message: 'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
  });
  await expectError(send(GetItemCommand, { TableName: T, Key: key, ExpressionAttributeNames: { '#a': 'a' } }), {
    name: 'ValidationException', message: 'ExpressionAttributeNames can only be specified when using expressions',
  });
});

test('BatchGetItem ProjectionExpression per table', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  await send(PutItemCommand, { TableName: T, Item: { pk: S('other'), s: S('o'), n: N(1) } });
  const out = await send(BatchGetItemCommand, {
    RequestItems: { [T]: { Keys: [{ pk: ITEM.pk }, { pk: S('other') }], ProjectionExpression: '#s, m.k', ExpressionAttributeNames: { '#s': 's' } } },
  });
  const got = out.Responses[T].sort((a, b) => a.s.S.localeCompare(b.s.S));
  assert.deepEqual(got, [{ s: S('hello'), m: { M: { k: S('v') } } }, { s: S('o') }]);
  await expectError(send(BatchGetItemCommand, {
    RequestItems: { [T]: { Keys: [{ pk: ITEM.pk }], ProjectionExpression: 'a,,b' } },
  }), { name: 'ValidationException', message: /^Invalid ProjectionExpression: Syntax error; token: ","/ });
  await expectError(send(BatchGetItemCommand, {
    RequestItems: { [T]: { Keys: [{ pk: ITEM.pk }], ProjectionExpression: 's', ExpressionAttributeNames: { '#u': 'u' } } },
  }), { name: 'ValidationException', message: 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}' });
});

test('lib-dynamodb: conditional PutCommand and a projected GetCommand', async () => {
  const doc = DynamoDBDocumentClient.from(ddb);
  await doc.send(new PutCommand({ TableName: T, Item: { pk: 'doc', a: 1, b: { c: 2 } }, ConditionExpression: 'attribute_not_exists(pk)' }));
  await expectError(doc.send(new PutCommand({ TableName: T, Item: { pk: 'doc' }, ConditionExpression: 'attribute_not_exists(pk)' })), {
    name: 'ConditionalCheckFailedException',
  });
  const out = await doc.send(new GetCommand({ TableName: T, Key: { pk: 'doc' }, ProjectionExpression: 'b.c' }));
  assert.deepEqual(out.Item, { b: { c: 2 } });
});
