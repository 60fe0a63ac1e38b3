/**
 * The process tree of a CLI run, from /proc (Linux): what a SIGKILL of "the CLI and everything it
 * started" has to reach. Pulumi CLI 3.248.0 starts each plugin (language host, provider) in a
 * process group of its own (`cmdutil.RegisterProcessGroup`, i.e. setpgid), so killing the CLI's
 * group would leave them running; the tree is collected by parent pid instead, from a pid the
 * test started, and nothing outside that tree is signalled.
 */
import * as fs from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** The kernel's state letter: `Z` is a zombie (dead, not yet reaped). */
  state: string;
  /** The executable's name (`comm`, at most 15 characters). */
  name: string;
}

/** One process from /proc/<pid>/stat, or undefined once it is gone. */
export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp ...`; comm may itself contain spaces and parentheses.
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  const [state, ppid, pgid] = stat
    .slice(close + 2)
    .split(" ")
    .slice(0, 3);
  return { pid, ppid: Number(ppid), pgid: Number(pgid), state, name: stat.slice(open + 1, close) };
}

function allProcesses(): ProcessInfo[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => processInfo(Number(entry)))
    .filter((p): p is ProcessInfo => p !== undefined);
}

/** `root` and every living descendant of it. */
export function processTree(root: number): ProcessInfo[] {
  const table = allProcesses().filter((p) => p.state !== "Z");
  const tree = table.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i++) {
    tree.push(...table.filter((p) => p.ppid === tree[i].pid));
  }
  return tree;
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs `root` and all its descendants at once, as an OOM killer or a lost CI runner would: the
 * tree is first frozen with SIGSTOP (so nothing forks or reparents while it is collected), then
 * every process and every process group led by one of them is killed. Returns what was killed.
 */
export function killTree(root: number): ProcessInfo[] {
  let frozen: ProcessInfo[] = [];
  for (;;) {
    const tree = processTree(root);
    for (const p of tree) signal(p.pid, "SIGSTOP");
    if (tree.length === frozen.length) break;
    frozen = tree;
  }
  const pids = new Set(frozen.map((p) => p.pid));
  for (const p of frozen) {
    if (pids.has(p.pgid)) signal(-p.pgid, "SIGKILL");
    signal(p.pid, "SIGKILL");
  }
  return frozen;
}

/** Those of `processes` still alive (a zombie is dead: its parent only has not reaped it yet). */
export function stillAlive(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => {
    const now = processInfo(p.pid);
    // The same name too: a pid the kernel has handed to a new process is not the old one.
    return now !== undefined && now.state !== "Z" && now.name === p.name;
  });
}
