"""Executes one notebook through a Jupyter kernel with nbclient, as a reader would, and reports
failures in full.

Passes, all in one kernel:
  1. top to bottom (its outputs are written to OUT.ipynb and make the book);
  2. with --reseed S: the first code cell's SEED set to S, then every cell again, top to bottom;
  3. with --reverse: each code cell alone once more, from the last to the first (a reader going
     back to an earlier figure). Cells that took longer than --reverse-limit seconds in the first
     pass (the trainings) are left out of this pass: they already ran a second time in pass 2,
     after the notebook had finished, and running them a third time would double the suite.
nbconvert prints only `<Error>: ` for a failing tslab cell; this driver prints the cell's source,
its stderr stream and the error's traceback, and fails on any cell that did not run.
The last line of stdout is a JSON summary: status, seconds per pass, and the claims (lines that
start with a check mark) each pass printed.
Usage: /usr/bin/python3 execute_notebook.py IN.ipynb OUT.ipynb [--reseed 7] [--reverse] [--reverse-limit 5]
"""
import argparse
import copy
import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import run_sync

SEED_LINE = re.compile(r"^const SEED = .*$", re.M)


class PassFailed(Exception):
    def __init__(self, name, index, cell, message):
        super().__init__(message)
        self.name, self.index, self.cell, self.message = name, index, cell, message


def cell_report(cell, index):
    lines = [f"--- cell {index} ---", cell.source[:2000]]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            lines.append("[stderr]\n" + out.get("text", ""))
        if out.get("output_type") == "error":
            lines.append(f"[error] {out.get('ename')}: {out.get('evalue')}")
            lines.append("\n".join(out.get("traceback", [])))
    return "\n".join(lines)


def claims_of(cells):
    """The claim lines (✓ ...) and failed claims a list of executed cells printed."""
    found = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                found += [{"held": True, "text": l[1:].strip()} for l in out.get("text", "").splitlines()
                          if l.startswith("✓")]
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found += [{"held": False, "text": m.group(1).strip()}
                          for m in re.finditer(r"claim failed: (.*)", out.get("text", ""))]
    return found


def late_stderr(client):
    """tslab writes a failed cell's message to stderr after its error reply: collect what arrives."""
    texts = []
    time.sleep(0.5)
    while True:
        try:
            msg = run_sync(client.kc.get_iopub_msg)(timeout=0.5)
        except Exception:  # queue.Empty: nothing more arrived
            return "".join(texts)
        if msg.get("msg_type") == "stream":
            texts.append(msg["content"].get("text", ""))


def run_cells(client, name, cells, order, keep_going=False, seconds=None):
    """Runs cells[i] for i in order; raises PassFailed with the (first) failing cell. With keep_going,
    runs the rest after a failure too, so that one report lists every cell that fails. With a dict
    `seconds`, records each cell's run time in it."""
    failures = []
    for i in order:
        cell = cells[i]
        cell.outputs = []
        try:
            start = time.time()
            client.execute_cell(cell, i)
            if seconds is not None:
                seconds[i] = time.time() - start
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                raise PassFailed(name, i, cell, "the cell reported an error")
        except CellTimeoutError as e:
            failures.append(PassFailed(name, i, cell, f"timeout: {str(e)[:1000]}"))
        except (CellExecutionError, PassFailed) as e:
            failure = e if isinstance(e, PassFailed) else PassFailed(name, i, cell, str(e)[:4000])
            late = late_stderr(client)
            if late:
                cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=late))
            failures.append(failure)
        if failures and not keep_going:
            break
    if failures:
        first = failures[0]
        if len(failures) > 1:
            first.message += f"\n(cells that failed in this pass: {[f.index for f in failures]})"
        raise first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=240, help="seconds for the first pass")
    ap.add_argument("--reseed", type=int, default=None, help="second pass with this SEED")
    ap.add_argument("--reverse", action="store_true", help="third pass: each cell alone, last to first")
    ap.add_argument("--reverse-limit", type=float, default=5.0,
                    help="the third pass leaves out cells whose first run took longer (seconds)")
    ap.add_argument("--cwd", default=None)
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, allow_errors=False,
                            resources={"metadata": {"path": args.cwd or "."}})
    summary = {"status": "ok", "seconds": {}, "claims": {}}
    failure = None
    first_pass = None
    try:
        with client.setup_kernel():
            start = time.time()
            cell_seconds = {}
            run_cells(client, "top to bottom", nb.cells, code, seconds=cell_seconds)
            summary["seconds"]["first"] = round(time.time() - start, 1)
            summary["claims"]["first"] = claims_of(nb.cells)
            # nbclient puts every executed cell back into client.nb: keep the first pass for the book
            first_pass = copy.deepcopy(nb.cells)
            if summary["seconds"]["first"] > args.timeout:
                raise PassFailed("top to bottom", code[-1], nb.cells[code[-1]],
                                 f"the notebook took {summary['seconds']['first']:.0f} s, more than {args.timeout} s")
            if args.reseed is not None:
                again = copy.deepcopy(nb.cells)
                first = again[code[0]]
                if not SEED_LINE.search(first.source):
                    raise PassFailed("reseed", code[0], first, "the first code cell has no `const SEED = ...` line")
                first.source = SEED_LINE.sub(f"const SEED = {args.reseed};", first.source, count=1)
                start = time.time()
                run_cells(client, f"again with SEED = {args.reseed}", again, code)
                summary["seconds"]["reseed"] = round(time.time() - start, 1)
                summary["claims"]["reseed"] = claims_of(again)
            if args.reverse:
                back = copy.deepcopy(nb.cells)
                quick = [i for i in code if cell_seconds[i] <= args.reverse_limit]
                start = time.time()
                run_cells(client, "each cell alone, last to first", back, list(reversed(quick)), keep_going=True)
                summary["seconds"]["reverse"] = round(time.time() - start, 1)
                summary["reverse_cells"] = {"run": len(quick), "left_out": len(code) - len(quick)}
    except PassFailed as e:
        failure = e
        summary["claims"].setdefault("first", claims_of(nb.cells))
    except DeadKernelError as e:
        failure = PassFailed("kernel", code[0], nb.cells[code[0]], f"the kernel died: {e}")

    if first_pass is not None:
        nb.cells = first_pass
    nb.metadata["vi_lectures"] = {"seconds": summary["seconds"].get("first"), "status": "ok" if failure is None else "error"}
    nbformat.write(nb, args.output)
    if failure is not None:
        summary["status"] = "error"
        summary["failed"] = {"pass": failure.name, "cell": failure.index}
        print(f"NOTEBOOK FAILED: {args.input}, pass '{failure.name}', cell {failure.index}", file=sys.stderr)
        print(failure.message, file=sys.stderr)
        print(cell_report(failure.cell, failure.index), file=sys.stderr)
        print(json.dumps(summary, ensure_ascii=False))
        sys.exit(1)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
