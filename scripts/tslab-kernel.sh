#!/usr/bin/env bash
# The TypeScript kernel as Jupyter starts it (the command the kernel spec names): tslab under node
# with a larger young generation. A training step makes thousands of short-lived tensor objects, and
# with V8's default semi-spaces (16 MB) their scavenges took a fifth of a small model's step; with
# 64 MB the same steps used about a quarter less CPU time (docs/engine.md). Flags in NODE_OPTIONS
# still apply (the lecture profiler preloads itself that way).
exec node --max-semi-space-size=64 "$(cd "$(dirname "$0")/.." && pwd)/node_modules/tslab/bin/tslab" "$@"
