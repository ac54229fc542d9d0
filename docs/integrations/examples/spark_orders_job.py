"""docs/integrations/spark.md — the Spark application of the example.

On a real cluster this is a PySpark job (`spark.read.parquet(...)`); the lines marked SPARK show where. The
fake spark-submit used in orch's CI runs it with plain python3, so it only uses what it gets from Pipes.
"""
import sys

from orch_pipes import open_pipes

with open_pipes() as pipes:
    day = pipes.context.partition_key
    source = sys.argv[sys.argv.index("--source") + 1]
    pipes.log.info("reading %s for %s" % (source, day))
    # SPARK: df = spark.read.parquet(f"{source}/date={day}"); rows = df.count(); nulls = df.filter("order_id is null").count()
    rows, nulls = 1200, 0
    # SPARK: df.write.mode("overwrite").parquet(f"s3a://lake/clean/orders/date={day}")
    pipes.report_materialization(metadata={"rows": rows, "path": "s3a://lake/clean/orders/date=%s" % day}, data_version="orders-%s-%d" % (day, rows))
    pipes.report_asset_check("no_null_order_ids", passed=nulls == 0, metadata={"nulls": nulls})
