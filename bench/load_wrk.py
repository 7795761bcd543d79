"""The load run's driver: wrk with a Lua script per mix.

Three shapes of mix:
- API reads with a token: a list of paths, taken in turn;
- browser sessions: (path, session key) pairs, taken in turn, each with its session cookie;
- API reads with writes: the reads, and one write in every `WRITE_EVERY` requests, taken from
  a list of (method, path, JSON body). wrk's threads each take every n-th write (`setup`
  gives each its number), so no write is sent twice while the list lasts: a status change or
  an assignment sent twice would change nothing the second time.
"""

import json
import os
import re
import subprocess
import tempfile

WRITE_EVERY = 10  # one write in ten requests: a busy team, as issue 22 measured it
THREADS = 2

_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p95_us\\": %d, \\"non2xx\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""
_TOKEN_READS = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Token TOKEN"})
end
"""
_SESSIONS = """
local paths = {PATHS}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i % #paths) + 1]
  return wrk.format("GET", p[1], {["Cookie"] = "sessionid=" .. p[2]})
end
"""
_WRITES = """
local paths = {PATHS}
local writes = {WRITES}
local every = EVERY
local threads = THREADS
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local i = 0
local w = 0
request = function()
  i = i + 1
  if i % every == 0 then
    local n = ((w * threads + (tid or 0)) % #writes) + 1
    w = w + 1
    local x = writes[n]
    return wrk.format(x[1], x[2], {["Authorization"] = "Token TOKEN",
      ["Content-Type"] = "application/json"}, x[3])
  end
  return wrk.format("GET", paths[(i % #paths) + 1], {["Authorization"] = "Token TOKEN"})
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def script(paths: list, token: str, writes: list | None = None) -> str:
    """The Lua script of one mix."""
    if writes:
        table = ", ".join(
            f"{{{_lua_string(m)}, {_lua_string(p)}, {_lua_string(json.dumps(b))}}}"
            for m, p, b in writes
        )
        lua = (
            _WRITES.replace("{WRITES}", "{" + table + "}")
            .replace("EVERY", str(WRITE_EVERY))
            .replace("THREADS", str(THREADS))
        )
        lua = lua.replace("{PATHS}", "{" + ", ".join(_lua_string(p) for p in paths) + "}")
    elif paths and isinstance(paths[0], tuple):
        lua = _SESSIONS.replace(
            "{PATHS}",
            "{" + ", ".join(f"{{{_lua_string(p)}, {_lua_string(k)}}}" for p, k in paths) + "}",
        )
    else:
        lua = _TOKEN_READS.replace("{PATHS}", "{" + ", ".join(_lua_string(p) for p in paths) + "}")
    return lua.replace("TOKEN", token) + _DONE


def wrk(port: int, paths: list, token: str, clients: int, seconds: int, writes=None) -> dict:
    """Run one mix; its requests, requests/s, p50/p95 (µs), non-2xx answers and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script(paths, token, writes))
    try:
        out = subprocess.run(
            ["wrk", "-t", str(THREADS), "-c", str(clients), "-d", f"{seconds}s"]
            + ["--timeout", "30s", "-s", lua.name, f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(lua.name)
    found = re.search(r"JSON(\{.*\})", out.stdout)
    if found is None:
        raise RuntimeError(f"wrk gave no figures: {out.stdout[-500:]} {out.stderr[-500:]}")
    stats = json.loads(found.group(1))
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats
