# SPDX-License-Identifier: MIT
# bash completion for mailtrace(1); installed as
# PREFIX/share/bash-completion/completions/mailtrace by make install.
_mailtrace() {
  local cur prev sub i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  sub=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      why|history|coverage|report|export|picture|bundle|version|help) sub=${COMP_WORDS[i]}; break ;;
      -*) ;;
      *) break ;;
    esac
  done
  local common="--box --table --json --csv --tabs --line --list --markdown -q --quiet --show-sql
                --host --tz --year --on-error --index --help --version"
  case "$prev" in
    -f|-o|--index) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --on-error) COMPREPLY=($(compgen -W "skip stop" -- "$cur")); return ;;
    --ip|--cidr|--sender|--domain|--recipient|--since|--until|--tz|--host|--year|--gateway|--mid)
      return ;;
  esac
  if [ $COMP_CWORD -eq 1 ] && [[ "$cur" != -* && "$cur" != */* ]]; then
    COMPREPLY=($(compgen -W "why history coverage report export picture bundle check version help" -- "$cur"))
    COMPREPLY+=($(compgen -f -- "$cur"))
    return
  fi
  local words
  case "$sub" in
    why) words="--ip --cidr --sender --domain --recipient --since --until --tz --gateway $common" ;;
    history) words="--gateway $common" ;;
    export) words="--ecs --splunk --since --until -o $common" ;;
    picture) words="--html -o --gateway $common" ;;
    bundle) words="--text -o --gateway $common" ;;
    check) words="--ip --domain --probe --resolver --timeout --helo $common" ;;
    report)
      local dir q
      for dir in "$(dirname "$(readlink -f "$(command -v mailtrace)")")/../share/mailtrace/sql" \
                 "$(dirname "$(readlink -f "$(command -v mailtrace)")")/../sql"; do
        [ -d "$dir" ] && for q in "$dir"/*.sql; do words+=" $(basename "$q" .sql)"; done && break
      done
      words+=" --ip --cidr --sender --domain --recipient --mid --since --until --gateway $common" ;;
    *) words="-f -- $common" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _mailtrace mailtrace
