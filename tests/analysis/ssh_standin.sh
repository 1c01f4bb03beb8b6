#!/bin/bash
# Stand-in for ssh in tests (GNU parallel --ssh): `ssh_standin.sh [-opts] HOST [--] CMD...`
# records HOST in $SSH_STANDIN_LOG and runs CMD locally through a shell, as sshd would.
# sshd sets SHELL from the login entry; GNU parallel's remote wrapper execs $SHELL.
export SHELL=${SHELL:-$(getent passwd "$(id -un)" | cut -d: -f7)}
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
host=$1
shift
[[ ${1:-} == -- ]] && shift
[[ -n ${SSH_STANDIN_LOG:-} ]] && echo "$host" >>"$SSH_STANDIN_LOG"
exec bash -c "$*"
