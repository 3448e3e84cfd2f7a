// The legacy (pre-expression) parameters with the AWS SDK for JavaScript v3:
// Expected (Exists/Value forms and every ComparisonOperator) with
// ConditionalOperator on PutItem, UpdateItem and DeleteItem; AttributeUpdates
// (PUT, ADD of numbers, sets and lists, DELETE of attributes and set members);
// AttributesToGet on GetItem and BatchGetItem; their validation errors, and
// mixing them with expressions. ddbwatch translates them into the expression
// AST, so these also check that translation against DynamoDB's semantics
// (DynamoDB Local 1.25 agrees on every outcome here; its texts lack the 2026
// envelope, hence localDiffers).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand, DeleteTableCommand, PutItemCommand, GetItemCommand, DeleteItemCommand,
  UpdateItemCommand, BatchGetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { endpoint, client, uniqueName, expectError, stopSharedServer } from '../lib/env.mjs';
import { canon, same } from '../lib/values.mjs';

let ddb;
const T = uniqueName('legacy'); // pk S
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
const ENV = '1 validation error detected: ';
const INVALID = 'One or more parameter values were invalid: ';
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

const ITEM = { pk: S('e1'), s: S('abc'), n: N(5), ss: { SS: ['a', 'b'] }, l: { L: [S('a'), N(1)] } };

// Does Expected (with ConditionalOperator) hold on ITEM? An UpdateItem that
// changes nothing.
async function holds(Expected, ConditionalOperator) {
  try {
    await send(UpdateItemCommand, { TableName: T, Key: { pk: ITEM.pk }, Expected, ...(ConditionalOperator ? { ConditionalOperator } : {}) });
    return true;
  } catch (e) {
    if (e.name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

test('Expected: Exists and Value forms, every ComparisonOperator, AND and OR', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  const c = (ComparisonOperator, ...AttributeValueList) => ({ ComparisonOperator, AttributeValueList });
  const rows = [
    [{ s: { Value: S('abc') } }, true], [{ s: { Exists: true, Value: S('abd') } }, false],
    [{ zz: { Exists: false } }, true], [{ s: { Exists: false } }, false],
    [{ n: c('EQ', N('5.0')) }, true], [{ n: c('NE', N(5)) }, false], [{ zz: c('NE', S('a')) }, true],
    [{ s: c('NE', N(1)) }, true], [{ n: c('LT', N(6)) }, true], [{ n: c('LE', N(4)) }, false],
    [{ n: c('GT', N(4)) }, true], [{ n: c('GE', N(6)) }, false], [{ n: c('LT', S('9')) }, false],
    [{ n: c('NOT_NULL') }, true], [{ zz: c('NULL') }, true], [{ n: c('NULL') }, false],
    [{ s: c('CONTAINS', S('b')) }, true], [{ ss: c('CONTAINS', S('a')) }, true], [{ l: c('CONTAINS', N(1)) }, true],
    [{ s: c('NOT_CONTAINS', S('z')) }, true], [{ zz: c('NOT_CONTAINS', S('a')) }, false],
    [{ s: c('BEGINS_WITH', S('ab')) }, true], [{ s: c('BEGINS_WITH', S('b')) }, false],
    [{ n: c('IN', N(1), N(5)) }, true], [{ s: c('IN', S('x'), S('y')) }, false],
    [{ n: c('BETWEEN', N(5), N(9)) }, true], [{ n: c('BETWEEN', N(6), N(9)) }, false],
    [{ ss: c('EQ', { SS: ['b', 'a'] }) }, true],
    [{ n: { ComparisonOperator: 'EQ', Value: N(5) } }, true],
  ];
  for (const [expected, want] of rows) assert.equal(await holds(expected), want, JSON.stringify(expected));
  assert.equal(await holds({ s: { Value: S('abc') }, zz: { Exists: true, Value: S('q') } }), false, 'AND by default');
  assert.equal(await holds({ s: { Value: S('abc') }, zz: { Exists: true, Value: S('q') } }, 'AND'), false);
  assert.equal(await holds({ s: { Value: S('abc') }, zz: { Exists: true, Value: S('q') } }, 'OR'), true);
});

test('Expected on PutItem and DeleteItem: the conditional write, ReturnValues and the old item', async () => {
  const key = { pk: S('e-put') };
  await send(PutItemCommand, { TableName: T, Item: { ...key, v: N(1) }, Expected: { pk: { Exists: false } } });
  const err = await expectError(send(PutItemCommand, {
    TableName: T, Item: { ...key, v: N(2) }, Expected: { pk: { Exists: false } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }), { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
  same(err.Item, { ...key, v: N(1) });
  const out = await send(DeleteItemCommand, { TableName: T, Key: key, Expected: { v: { Value: N(1) } }, ReturnValues: 'ALL_OLD' });
  same(out.Attributes, { ...key, v: N(1) });
  assert.equal(await get(key), undefined);
});

test('AttributeUpdates: PUT, ADD (numbers, sets, lists), DELETE (attributes and set members)', async () => {
  const key = { pk: S('au') };
  await send(PutItemCommand, { TableName: T, Item: { ...key, s: S('x'), n: N(5), ss: { SS: ['a', 'b'] }, l: { L: [S('a')] }, gone: S('g') } });
  const out = await send(UpdateItemCommand, {
    TableName: T, Key: key, ReturnValues: 'UPDATED_NEW',
    AttributeUpdates: {
      s: { Action: 'PUT', Value: S('y') }, p: { Value: N(1) }, n: { Action: 'ADD', Value: N('-7.5') },
      ss: { Action: 'DELETE', Value: { SS: ['a', 'zz'] } }, l: { Action: 'ADD', Value: { L: [N(2)] } },
      newl: { Action: 'ADD', Value: { L: [N(3)] } }, cnt: { Action: 'ADD', Value: N(1) }, gone: { Action: 'DELETE' },
      tags: { Action: 'ADD', Value: { SS: ['t'] } },
    },
  });
  same(out.Attributes, {
    s: S('y'), p: N(1), n: N('-2.5'), ss: { SS: ['b'] }, l: { L: [S('a'), N(2)] }, newl: { L: [N(3)] }, cnt: N(1), tags: { SS: ['t'] },
  });
  same(await get(key), {
    ...key, s: S('y'), p: N(1), n: N('-2.5'), ss: { SS: ['b'] }, l: { L: [S('a'), N(2)] }, newl: { L: [N(3)] }, cnt: N(1), tags: { SS: ['t'] },
  });
  // The stored item decides: ADD or DELETE onto another type.
  for (const au of [{ s: { Action: 'ADD', Value: N(1) } }, { n: { Action: 'ADD', Value: { NS: ['1'] } } }, { ss: { Action: 'DELETE', Value: { NS: ['1'] } } }]) {
    await expectError(send(UpdateItemCommand, { TableName: T, Key: key, AttributeUpdates: au }), {
      name: 'ValidationException', message: 'Type mismatch for attribute to update',
    });
  }
  // Legacy and conditions together; a key attribute cannot be updated.
  await send(UpdateItemCommand, {
    TableName: T, Key: key, AttributeUpdates: { s: { Value: S('z') } }, Expected: { s: { Value: S('y') } },
  });
  same((await get(key)).s, S('z'));
  await expectError(send(UpdateItemCommand, { TableName: T, Key: key, AttributeUpdates: { pk: { Value: S('other') } } }), {
    name: 'ValidationException', message: `${INVALID}Cannot update attribute pk. This attribute is part of the key`,
  });
});

test('AttributesToGet on GetItem and BatchGetItem', async () => {
  await send(PutItemCommand, { TableName: T, Item: ITEM });
  same(await get({ pk: ITEM.pk }, { AttributesToGet: ['s', 'ss', 'nosuch'] }), { s: S('abc'), ss: { SS: ['a', 'b'] } });
  const out = await send(BatchGetItemCommand, { RequestItems: { [T]: { Keys: [{ pk: ITEM.pk }], AttributesToGet: ['n'] } } });
  same(out.Responses[T], [{ n: N(5) }]);
  await expectError(send(GetItemCommand, { TableName: T, Key: { pk: ITEM.pk }, AttributesToGet: ['s', 's'] }), {
    name: 'ValidationException', message: `${INVALID}Duplicate value in attribute name: s`, localDiffers: true,
  });
});

test('validation of Expected, ConditionalOperator and AttributeUpdates, inside the 2026 envelope', async () => {
  const key = { pk: S('bad') };
  const u = (input) => () => send(UpdateItemCommand, { TableName: T, Key: key, ...input });
  const cases = [
    [u({ Expected: { a: { Exists: true } } }), `${INVALID}Value must be provided when Exists is true for Attribute: a`],
    [u({ Expected: { a: {} } }), `${INVALID}Value must be provided when Exists is null for Attribute: a`],
    [u({ Expected: { a: { Exists: false, Value: S('x') } } }), `${INVALID}Value cannot be used when Exists is false for Attribute: a`],
    [u({ Expected: { a: { Value: S('x'), ComparisonOperator: 'EQ', AttributeValueList: [S('x')] } } }),
      `${INVALID}Value and AttributeValueList cannot be used together for Attribute: a`],
    [u({ Expected: { a: { ComparisonOperator: 'EQ' } } }), `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`],
    [u({ Expected: { a: { ComparisonOperator: 'NOT_NULL', Exists: true } } }), `${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: a`],
    [u({ Expected: { a: { AttributeValueList: [S('x')] } } }), `${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`],
    [u({ Expected: { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [S('x')] } } }), `${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`],
    [u({ Expected: { a: { ComparisonOperator: 'NULL', AttributeValueList: [S('x')] } } }), `${INVALID}Invalid number of argument(s) for the NULL ComparisonOperator`],
    [u({ Expected: { a: { ComparisonOperator: 'IN', AttributeValueList: [S('x'), N(1)] } } }), `${INVALID}AttributeValues inside AttributeValueList must be of same type`],
    [u({ Expected: { a: { ComparisonOperator: 'LT', AttributeValueList: [{ SS: ['x'] }] } } }), `${INVALID}ComparisonOperator LT is not valid for SS AttributeValue type`],
    [u({ Expected: { a: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [N(1)] } } }), `${INVALID}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`],
    [u({ Expected: { a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [S('z'), S('a')] } } }),
      'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound'],
    [u({ Expected: { a: { Exists: false } }, ConditionalOperator: 'OR' }), 'ConditionalOperator can only be used when Filter or Expected has two or more elements'],
    [u({ ConditionalOperator: 'OR' }), 'ConditionalOperator cannot be used without Filter or Expected'],
    [u({ AttributeUpdates: { x: { Action: 'PUT' } } }), `${INVALID}Only DELETE action is allowed when no attribute value is specified`],
    [u({ AttributeUpdates: { x: { Action: 'DELETE', Value: S('a') } } }), `${INVALID}DELETE action with value is not supported for the type STRING`],
    [u({ AttributeUpdates: { x: { Action: 'ADD', Value: { BOOL: true } } } }), `${INVALID}ADD action is not supported for the type BOOLEAN`],
    [u({ AttributeUpdates: { x: { Value: S('a') } }, UpdateExpression: 'REMOVE b', Expected: { a: { Exists: false } }, ConditionalOperator: 'AND', ConditionExpression: 'attribute_exists(a)' }),
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} Expression parameters: {UpdateExpression, ConditionExpression}'],
    [u({ Expected: { a: { Exists: false } }, ExpressionAttributeNames: { '#a': 'a' } }), 'ExpressionAttributeNames can only be specified when using expressions'],
  ];
  for (const [run, message] of cases) {
    await expectError(run(), { name: 'ValidationException', message: `${ENV}${message}`, localDiffers: true });
  }
  assert.equal(await get(key), undefined, 'nothing was written');
});
