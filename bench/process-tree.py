"""Runs a command and reports its wall time and the CPU time of its whole process tree.

    python3 bench/process-tree.py RESULT.json COMMAND [ARG...]

The Pulumi CLI kills its plugins (language hosts, the policy pack, providers) rather than waiting
for them, so their CPU time never reaches the CLI's parent as a waited-for child's. This process
declares itself a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER): descendants orphaned by
their parents are re-parented to it and reaped here, so RUSAGE_CHILDREN counts every process the
command started. Writes {"code", "seconds" (until the command exited), "cpuSeconds", "killed"
(descendants still running 30 s after the command exited, then killed)} to RESULT.json; the
command's stdin, stdout and stderr are this process's.
"""
import ctypes
import json
import os
import resource
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
LINGER_SECONDS = 30


def children_of(parent):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # Fields after "(comm) ": state, then the parent's pid.
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
            found.append(int(entry))
    return found


def main():
    result_file, command = sys.argv[1], sys.argv[2:]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.execvp(command[0], command)
    code = seconds = None
    while code is None:
        reaped, status = os.wait()
        if reaped == pid:
            code, seconds = os.waitstatus_to_exitcode(status), time.monotonic() - started
    deadline, killed = time.monotonic() + LINGER_SECONDS, 0
    while True:
        try:
            reaped, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break  # no descendant left
        if reaped == 0:
            if time.monotonic() > deadline:
                for orphan in children_of(os.getpid()):
                    killed += 1
                    os.kill(orphan, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.02)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result_file, "w") as f:
        json.dump({"code": code, "seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime, "killed": killed}, f)


main()
