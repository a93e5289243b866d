#!/usr/bin/env python3
"""Runs the black-box HTTP tests against a running stack.

    python3 tests/http/run.py --base http://127.0.0.1:18080 --stack test [-k substring]

Imports every tests/http/test_*.py in name order and runs its test_*
functions in file order.  Prints "ok N - file::name" or "not ok N -
file::name" with the failure indented below it, then one summary line
"N passed, M failed".  Exits 1 when a test failed.
"""

import argparse
import importlib.util
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True        # keep the source tree clean
sys.path.insert(0, HERE)

import client  # noqa: E402


def load_tests():
    tests = []
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        modname = fname[:-3]
        spec = importlib.util.spec_from_file_location(modname, os.path.join(HERE, fname))
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            tests.append((fname, "<import>", None, traceback.format_exc()))
            continue
        for name, fn in vars(mod).items():   # definition order
            if name.startswith("test_") and callable(fn) \
                    and getattr(fn, "__module__", None) == modname:
                tests.append((fname, name, fn, None))
    return tests


def indent(text):
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())


def describe_failure(exc):
    """The assertion message plus where in the test it failed."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for fr in reversed(tb):
        if os.path.basename(fr.filename).startswith("test_"):
            where = "at %s:%d: %s" % (os.path.basename(fr.filename), fr.lineno,
                                      (fr.line or "").strip())
            break
    if isinstance(exc, AssertionError):
        msg = str(exc) or "assertion failed"
        return msg + ("\n" + where if where else "")
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


_warned = False


def reset_between_tests():
    """Failed logins of one test must not throttle the next one."""
    global _warned
    try:
        client.clear_login_attempts()
    except Exception as e:   # the stack may be half down; the test will say so
        if not _warned:
            print("# note: could not clear login_attempts: %s" % e, file=sys.stderr)
            _warned = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default=os.environ.get("YJ_BASE", "http://127.0.0.1:18080"))
    ap.add_argument("--stack", default=os.environ.get("YJ_STACK", "test"))
    ap.add_argument("-k", dest="select", default=None,
                    help="run only tests whose file::name contains this")
    args = ap.parse_args()
    client.configure(args.base, args.stack)

    passed = failed = 0
    n = 0
    for fname, name, fn, import_error in load_tests():
        label = "%s::%s" % (fname, name)
        if args.select and args.select not in label:
            continue
        n += 1
        if import_error:
            failed += 1
            print("not ok %d - %s" % (n, label))
            print(indent(import_error))
            continue
        reset_between_tests()
        try:
            fn()
        except Exception as e:   # noqa: BLE001 - one failure must not stop the rest
            failed += 1
            print("not ok %d - %s" % (n, label))
            print(indent(describe_failure(e)))
        else:
            passed += 1
            print("ok %d - %s" % (n, label))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
