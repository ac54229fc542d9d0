"""docs/concepts/pipes.md — the external half of the example: a plain Python script reporting through orch Pipes."""
from orch_pipes import open_pipes

ORDERS = [("o1", 120.0), ("o2", 35.5), ("o3", -4.0), ("o4", 80.0)]

with open_pipes() as pipes:
    threshold = pipes.context.extras["threshold"]
    pipes.log.info("summarising %d orders for %s" % (len(ORDERS), pipes.context.asset_key))
    total = sum(amount for _, amount in ORDERS)
    large = [order_id for order_id, amount in ORDERS if amount >= threshold]
    negative = [order_id for order_id, amount in ORDERS if amount < 0]
    # Written wherever the script keeps its data; orch records the facts.
    pipes.report_materialization(metadata={"orders": len(ORDERS), "total": total, "large_orders": large}, data_version="orders-v4")
    pipes.report_asset_check("non_negative_amounts", passed=not negative, description="%d negative amounts" % len(negative), metadata={"failing_ids": negative})
