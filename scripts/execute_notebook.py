"""Executes one notebook through a Jupyter kernel with nbclient and reports failures in full.

nbconvert prints only `<Error>: ` for a failing tslab cell; this driver prints the cell's source,
its stderr stream and the error's traceback, and fails on any cell that did not run.
Usage: /usr/bin/python3 execute_notebook.py IN.ipynb OUT.ipynb --kernel tslab --timeout 240
"""
import argparse
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def cell_report(cell, index):
    lines = [f"--- cell {index} ---", cell.source[:2000]]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            lines.append("[stderr]\n" + out.get("text", ""))
        if out.get("output_type") == "error":
            lines.append(f"[error] {out.get('ename')}: {out.get('evalue')}")
            lines.append("\n".join(out.get("traceback", [])))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=240, help="seconds for the whole notebook")
    ap.add_argument("--cwd", default=None)
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, allow_errors=False,
                            resources={"metadata": {"path": args.cwd or "."}})
    start = time.time()
    status = "ok"
    message = ""
    try:
        client.execute()
    except CellTimeoutError as e:
        status, message = "timeout", str(e)[:2000]
    except (CellExecutionError, DeadKernelError) as e:
        status, message = "error", str(e)[:4000]
    seconds = time.time() - start
    if status == "ok" and seconds > args.timeout:
        status, message = "timeout", f"the notebook took {seconds:.0f} s, more than its budget of {args.timeout} s"
    # a cell that never ran has no outputs and no execution metadata
    not_run = [i for i in code_cells if "execution" not in nb.cells[i].get("metadata", {})]
    ran = [i for i in code_cells if i not in not_run]
    failed = [i for i in code_cells if any(o.get("output_type") == "error" for o in nb.cells[i].get("outputs", []))]
    # tslab reports a throwing cell only as an error reply, its message going to the stderr stream:
    # the failing cell is the last one that ran
    if status == "error" and not failed and ran:
        failed = [ran[-1]]
    nb.metadata["vi_lectures"] = {"seconds": round(seconds, 1), "status": status}
    nbformat.write(nb, args.output)
    if status == "ok" and (failed or not_run):
        status = "error"
    if status != "ok":
        print(f"NOTEBOOK FAILED: {args.input} ({status}, {seconds:.0f} s)", file=sys.stderr)
        if message:
            print(message, file=sys.stderr)
        for i in failed or not_run[:1]:
            print(cell_report(nb.cells[i], i), file=sys.stderr)
        if not_run:
            print(f"cells that did not run: {not_run}", file=sys.stderr)
        print(json.dumps({"status": status, "seconds": seconds}))
        sys.exit(1)
    print(json.dumps({"status": "ok", "seconds": seconds}))


if __name__ == "__main__":
    main()
