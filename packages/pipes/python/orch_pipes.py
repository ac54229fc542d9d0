"""orch Pipes client for Python: report logs, materializations and asset checks to orch.

One file, standard library only (written for Python 3.8+, tested with 3.11), so a PySpark driver or any script can copy or ship it
(``--py-files orch_pipes.py``). Protocol ``orch-pipes/1``: orch writes the step's context as JSON to the file
named by ``ORCH_PIPES_CONTEXT`` and reads one JSON message per line from the channel (a FIFO or a file) named
by ``ORCH_PIPES_MESSAGES``.

    from orch_pipes import open_pipes

    with open_pipes() as pipes:
        pipes.log.info("starting", rows=0)
        ...
        pipes.report_materialization(metadata={"rows": 42}, data_version="v42")
        pipes.report_asset_check("non_negative", passed=True)

Leaving the ``with`` block on an exception sends ``closed`` with the error, then re-raises.
"""

import json
import os
import threading
import traceback

PIPES_PROTOCOL = "orch-pipes/1"
SUPPORTED_PIPES_PROTOCOLS = (PIPES_PROTOCOL,)
PIPES_CONTEXT_ENV = "ORCH_PIPES_CONTEXT"
PIPES_MESSAGES_ENV = "ORCH_PIPES_MESSAGES"
_LEVELS = ("debug", "info", "warn", "error")


class PipesError(Exception):
    """Raised when the process was not started by orch Pipes, or the context cannot be used."""

    def __init__(self, code, message):
        super().__init__("[orch-pipes] " + message)
        self.code = code


def is_pipes_process(env=None):
    env = os.environ if env is None else env
    return bool(env.get(PIPES_CONTEXT_ENV)) and bool(env.get(PIPES_MESSAGES_ENV))


class PipesContext:
    """The step orch runs this process for: run id, step key, asset keys, partition, config and extras."""

    def __init__(self, data):
        self.data = data
        self.protocol = data["protocol"]
        self.run_id = data["runId"]
        self.step_key = data["stepKey"]
        self.attempt = data.get("attempt", 1)
        self.asset_keys = list(data.get("assetKeys", []))
        self.asset_key = self.asset_keys[0] if self.asset_keys else None
        self.partition_key = data.get("partitionKey")
        self.partition_key_range = data.get("partitionKeyRange")
        self.partition_keys = data.get("partitionKeys")
        self.time_window = data.get("timeWindow")
        self.config = data.get("config")
        self.extras = data.get("extras", {})


class _Log:
    def __init__(self, send):
        self._send = send

    def _at(self, level, message, metadata):
        params = {"level": level, "message": str(message)}
        if metadata:
            params["metadata"] = metadata
        self._send("log", params)

    def debug(self, message, **metadata):
        self._at("debug", message, metadata)

    def info(self, message, **metadata):
        self._at("info", message, metadata)

    def warn(self, message, **metadata):
        self._at("warn", message, metadata)

    warning = warn

    def error(self, message, **metadata):
        self._at("error", message, metadata)


def _json_default(value):
    # Dates and other objects: their text form, so a report never fails on a value json cannot encode.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class PipesClient:
    """The process's end of one Pipes exchange. Each message is written and flushed at once (thread-safe)."""

    def __init__(self, env=None):
        env = os.environ if env is None else env
        context_path = env.get(PIPES_CONTEXT_ENV)
        messages_path = env.get(PIPES_MESSAGES_ENV)
        if not context_path or not messages_path:
            missing = [n for n in (PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV) if not env.get(n)]
            raise PipesError("PIPES_NOT_CONFIGURED", " and ".join(missing) + " not set: this process was not started by orch Pipes (pipesSubprocess)")
        try:
            with open(context_path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            raise PipesError("PIPES_CONTEXT_UNREADABLE", "cannot read the Pipes context %s (%s): %s" % (context_path, PIPES_CONTEXT_ENV, e)) from e
        protocol = data.get("protocol") if isinstance(data, dict) else None
        if protocol not in SUPPORTED_PIPES_PROTOCOLS:
            raise PipesError(
                "PIPES_UNSUPPORTED_PROTOCOL",
                "the Pipes context %s speaks %s; this client supports %s" % (context_path, json.dumps(protocol), ", ".join(SUPPORTED_PIPES_PROTOCOLS)),
            )
        self.context = PipesContext(data)
        self._lock = threading.Lock()
        try:
            self._channel = open(messages_path, "a", encoding="utf-8")
        except OSError as e:
            raise PipesError("PIPES_WRITE_FAILED", "cannot open the Pipes channel %s (%s): %s" % (messages_path, PIPES_MESSAGES_ENV, e)) from e
        self.log = _Log(self._send)

    def _send(self, method, params):
        line = json.dumps({"protocol": PIPES_PROTOCOL, "method": method, "params": params}, default=_json_default)
        with self._lock:
            if self._channel is None:
                raise PipesError("PIPES_CLOSED", "cannot send %s: the Pipes client was closed" % method)
            self._channel.write(line + "\n")
            self._channel.flush()

    def report_materialization(self, metadata=None, data_version=None, asset_key=None):
        params = {}
        if asset_key is not None:
            params["assetKey"] = asset_key
        if metadata:
            params["metadata"] = metadata
        if data_version is not None:
            params["dataVersion"] = str(data_version)
        self._send("reportMaterialization", params)

    def report_asset_check(self, check_name, passed, severity=None, description=None, metadata=None, asset_key=None):
        params = {"checkName": check_name, "passed": bool(passed)}
        if asset_key is not None:
            params["assetKey"] = asset_key
        if severity is not None:
            params["severity"] = severity
        if description is not None:
            params["description"] = description
        if metadata:
            params["metadata"] = metadata
        self._send("reportAssetCheck", params)

    def close(self, error=None):
        """Sends ``closed`` (with the error, if any) and closes the channel. Idempotent."""
        if self._channel is None:
            return
        params = {}
        if error is not None:
            params["error"] = {
                "name": type(error).__name__,
                "message": str(error),
                "stack": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            }
        self._send("closed", params)
        with self._lock:
            self._channel.close()
            self._channel = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(exc)
        return False


def open_pipes(env=None):
    """Reads the context orch passed and opens the channel; use as ``with open_pipes() as pipes:``."""
    return PipesClient(env)
