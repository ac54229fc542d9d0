"""A PySpark-style job (no pyspark here: the fake spark-submit runs it with python3) reporting through orch Pipes."""
import json
import os
import sys
import time

from orch_pipes import open_pipes

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
with open_pipes() as pipes:
    ctx = pipes.context
    print("driver stdout: processing %s" % ctx.partition_key)
    pipes.log.info("reading orders for %s" % ctx.partition_key, partition=ctx.partition_key)
    if mode == "fail":
        raise RuntimeError("input path s3a://lake/orders/%s does not exist" % ctx.partition_key)
    if mode == "hang":
        pipes.log.info("hanging")
        time.sleep(120)
    conf = json.loads(os.environ.get("SPARK_CONF_JSON", "{}"))
    pipes.report_materialization(
        metadata={"rows": 1200, "partition": ctx.partition_key, "shuffle_partitions": conf.get("spark.sql.shuffle.partitions"), "args": sys.argv[1:]},
        data_version="orders-%s" % ctx.partition_key,
    )
    pipes.report_asset_check("no_null_order_ids", passed=True, metadata={"nulls": 0})
