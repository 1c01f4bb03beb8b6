"""A throw-away single-node Slurm cluster on 127.0.0.1 for tests.

Starts munged (as user munge, own key and socket), slurmctld and slurmd in the foreground
with every path under a temporary directory and free TCP ports, and stops exactly those
processes by pid. Needs root (slurmd runs jobs as the submitting user) and the Debian
packages slurmctld slurmd slurm-client munge.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PACKAGES = "slurmctld slurmd slurm-client munge"


def missing_reason():
    """Why a cluster cannot be started here, or None."""
    for tool in ("munged", "slurmctld", "slurmd", "sbatch", "sinfo"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            return f"{tool} not installed (Debian packages: {PACKAGES})"
    if os.geteuid() != 0:
        return "needs root to run slurmd"
    try:
        pwd.getpwnam("munge")
    except KeyError:
        return "no 'munge' user (package munge)"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name):
    return shutil.which(name) or f"/usr/sbin/{name}"


class SlurmCluster:
    def __init__(self, cpus=2):
        self.cpus = cpus
        self.procs = []
        self.dir = None
        self.env = None

    def log_tail(self, lines=20):
        out = []
        for name in ("munged.log", "slurmctld.log", "slurmd.log"):
            path = os.path.join(self.dir, name) if self.dir else ""
            if path and os.path.exists(path):
                with open(path, errors="replace") as f:
                    out.append(f"--- {name}\n" + "".join(f.readlines()[-lines:]))
        return "\n".join(out)

    def start(self, timeout=60):
        self.dir = tempfile.mkdtemp(prefix="sipsim-slurm-")
        os.chmod(self.dir, 0o755)
        munge = pwd.getpwnam("munge")
        mdir = os.path.join(self.dir, "munge")
        os.makedirs(mdir, mode=0o700)
        key = os.path.join(mdir, "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(128))
        os.chmod(key, 0o400)
        for path in (mdir, key):
            os.chown(path, munge.pw_uid, munge.pw_gid)
        # The socket's directory must be reachable by slurm (root) and by job steps.
        os.chmod(mdir, 0o711)
        sock = os.path.join(mdir, "munge.socket")
        for sub in ("state", "spool"):
            os.makedirs(os.path.join(self.dir, sub))
        conf = os.path.join(self.dir, "slurm.conf")
        with open(conf, "w") as f:
            f.write(f"""ClusterName=sipsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={self.dir}/state
SlurmdSpoolDir={self.dir}/spool
SlurmctldPidFile={self.dir}/slurmctld.pid
SlurmdPidFile={self.dir}/slurmd.pid
SlurmctldLogFile={self.dir}/slurmctld.log
SlurmdLogFile={self.dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MaxArraySize=1001
NodeName=localhost NodeAddr=127.0.0.1 CPUs={self.cpus} State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        self.env = dict(os.environ, SLURM_CONF=conf)
        with open(os.path.join(self.dir, "munged.log"), "w") as err:
            self.procs.append(subprocess.Popen(
                [_tool("munged"), "-F", f"--socket={sock}", f"--key-file={key}",
                 f"--log-file={mdir}/munged.log", f"--pid-file={mdir}/munged.pid",
                 f"--seed-file={mdir}/munged.seed"],
                user=munge.pw_uid, group=munge.pw_gid, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err))
        self._wait(lambda: os.path.exists(sock), timeout, "munged socket")
        daemons = ([_tool("slurmctld"), "-D", "-i", "-f", conf],
                   [_tool("slurmd"), "-D", "-N", "localhost", "-f", conf])
        for argv in daemons:
            self.procs.append(subprocess.Popen(
                argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
            time.sleep(0.5)
        self._wait(self._node_idle, timeout, "node localhost idle")
        return self

    def _node_idle(self):
        out = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], env=self.env,
                             capture_output=True, text=True)
        return out.returncode == 0 and out.stdout.strip() in ("idle", "mixed", "allocated")

    def _wait(self, ready, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{p.args[0]} exited {p.returncode} while waiting for "
                                       f"{what}\n{self.log_tail()}")
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"timed out waiting for {what}\n{self.log_tail()}")

    def stop(self):
        # Reverse order: slurmd, slurmctld, munged; each by its own pid.
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
