"""For tests that start other processes (schedulers, backends, Redis): their environment on the
real clock.

The suite's second run fakes the clock with libfaketime (`faketime "2028-11-22 09:00:00" pytest`),
which a child would inherit: each child's clock would start anew at that same instant, and a
server may not even start under it. The children get this environment instead; their time
stamps are then compared only with each other's.
"""

from __future__ import annotations

import os


def real_clock_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (this process's environment by default) without libfaketime."""
    env = {k: v for k, v in (os.environ if base is None else base).items()}
    env = {k: v for k, v in env.items() if not k.startswith("FAKETIME")}
    preload = [p for p in env.get("LD_PRELOAD", "").split(":") if p and "faketime" not in p]
    if preload:
        env["LD_PRELOAD"] = ":".join(preload)
    else:
        env.pop("LD_PRELOAD", None)
    return env
