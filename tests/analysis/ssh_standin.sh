#!/bin/bash
# Stand-in for ssh in tests (GNU parallel --ssh): `ssh_standin.sh [-opts] HOST [--] CMD...`
# records HOST in $SSH_STANDIN_LOG and runs CMD locally through a shell, as sshd would.
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
host=$1
shift
[[ ${1:-} == -- ]] && shift
[[ -n ${SSH_STANDIN_LOG:-} ]] && echo "$host" >>"$SSH_STANDIN_LOG"
exec bash -c "$*"
