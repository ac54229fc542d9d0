"""An external process written against orch_pipes.py, run by the tests through pipesSubprocess."""
import sys

from orch_pipes import open_pipes

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
with open_pipes() as pipes:
    ctx = pipes.context
    pipes.log.info("computing %s for %s" % (",".join(ctx.asset_keys), ctx.partition_key or "all"), attempt=ctx.attempt)
    pipes.log.warn("a warning from python")
    print("plain stdout from python")
    if mode == "fail":
        raise ValueError("amount must be positive")
    region = (ctx.config or {}).get("region")
    pipes.report_materialization(metadata={"rows": 3, "region": region, "extras": ctx.extras}, data_version="py-3")
    pipes.report_asset_check("row_count_positive", passed=False, severity="warn", description="only 3 rows", metadata={"rows": 3})
