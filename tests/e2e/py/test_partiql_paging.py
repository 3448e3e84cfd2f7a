"""ExecuteStatement SELECT paging with boto3: NextToken round-trips across
pages cut by Limit and by the 1 MB page, for a partition and for the whole
table, every item exactly once, and the answer never carries
LastEvaluatedKey (DynamoDB pages PartiQL with NextToken; DynamoDB Local 1.25
answers the same). Sources: API_ExecuteStatement; DynamoDB Local 1.25."""

import pytest

from test_partiql import tc  # noqa: F401  the module's own pk S / sk N table

BIG = 22            # items of about 100 KB in partition 'big': 2.2 MB
PAD = "x" * (100 * 1024)


@pytest.fixture(scope="module")
def tp(ddb, tc):
    """tc (pk S, sk N) holding partition 'p' (25 small items), 'big' (BIG large
    ones) and 'o0'..'o3' (one each)."""
    name = tc
    items = [{"pk": {"S": "p"}, "sk": {"N": str(i)}} for i in range(25)]
    items += [{"pk": {"S": "o%d" % i}, "sk": {"N": str(i)}} for i in range(4)]
    items += [{"pk": {"S": "big"}, "sk": {"N": str(i)}, "d": {"S": PAD}} for i in range(BIG)]
    for i in range(0, len(items), 4):
        req = {name: [{"PutRequest": {"Item": it}} for it in items[i:i + 4]]}
        while req:
            req = ddb.batch_write_item(RequestItems=req).get("UnprocessedItems") or {}
    return name, {(it["pk"]["S"], int(it["sk"]["N"])) for it in items}


def pages(ddb, statement, **kw):
    """Every page of a SELECT, following NextToken: a list of (keys, bytes, token)."""
    out, token = [], None
    while True:
        args = dict(kw, Statement=statement)
        if token:
            args["NextToken"] = token
        res = ddb.execute_statement(**args)
        assert "LastEvaluatedKey" not in res, "PartiQL pages with NextToken only"
        keys = [(i["pk"]["S"], int(i["sk"]["N"])) for i in res["Items"]]
        size = sum(len(i["d"]["S"]) for i in res["Items"] if "d" in i)
        token = res.get("NextToken")
        out.append((keys, size, token))
        assert len(out) < 500
        if not token:
            return out


def keys_of(ps):
    return [k for p in ps for k in p[0]]


def test_limit_pages_a_partition_in_order(ddb, tp):
    name, _ = tp
    ps = pages(ddb, f"SELECT * FROM \"{name}\" WHERE pk = 'p'", Limit=6)
    assert keys_of(ps) == [("p", i) for i in range(25)]
    assert [len(p[0]) for p in ps] == [6, 6, 6, 6, 1]
    assert all(p[2] for p in ps[:-1]) and not ps[-1][2]


def test_one_megabyte_pages(ddb, tp):
    name, _ = tp
    for kw in ({}, {"Limit": 15}):
        ps = pages(ddb, f"SELECT * FROM \"{name}\" WHERE pk = 'big'", **kw)
        assert keys_of(ps) == [("big", i) for i in range(BIG)]
        assert len(ps) >= 3
        for _keys, size, _tok in ps[:-1]:
            assert 1000 * 1024 <= size < 1200 * 1024, size


def test_full_table_pages_every_item_once(ddb, tp):
    name, everything = tp
    for kw in ({"Limit": 7}, {}):
        keys = keys_of(pages(ddb, f"SELECT pk, sk, d FROM \"{name}\"", **kw))
        assert len(keys) == len(set(keys))
        assert set(keys) == everything
