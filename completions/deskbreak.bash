# bash completion for deskbreak(1), the desk-break reminder's CLI.

_deskbreak() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  fi

  local commands='status stats monitor snooze pause resume break reload stretches stretch config help'
  local stretches='bruegger doorway wall-angels backrest-extension seated-twist reach-and-squeeze'
  local durations='5m 10m 15m 30m 1h'

  # The values of options that take one.
  case $prev in
    --days)
      COMPREPLY=($(compgen -W '7 14 30 90 365' -- "$cur"))
      return
      ;;
    --format)
      COMPREPLY=($(compgen -W 'json waybar i3blocks polybar' -- "$cur"))
      return
      ;;
  esac

  # The arguments before the cursor that are not options (nor their values):
  # the command and its own.
  local -a args=()
  local i
  for ((i = 1; i < cword; i++)); do
    [[ ${words[i]} == -* || ${words[i - 1]} == --days || ${words[i - 1]} == --format ]] ||
      args+=("${words[i]}")
  done

  if ((${#args[@]} == 0)); then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi

  if [[ $cur == -* ]]; then
    case ${args[0]} in
      status) COMPREPLY=($(compgen -W '--json --verbose -v --help' -- "$cur")) ;;
      stats) COMPREPLY=($(compgen -W '--days --json --help' -- "$cur")) ;;
      monitor) COMPREPLY=($(compgen -W '--format --help' -- "$cur")) ;;
      *) COMPREPLY=($(compgen -W '--help' -- "$cur")) ;;
    esac
    return
  fi

  case ${args[0]} in
    snooze | pause)
      ((${#args[@]} == 1)) && COMPREPLY=($(compgen -W "$durations" -- "$cur"))
      ;;
    stretch)
      ((${#args[@]} == 1)) && COMPREPLY=($(compgen -W "$stretches" -- "$cur"))
      ;;
    config)
      if ((${#args[@]} == 1)); then
        COMPREPLY=($(compgen -W 'path check default' -- "$cur"))
      elif ((${#args[@]} == 2)) && [[ ${args[1]} == check ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      ;;
    help)
      ((${#args[@]} == 1)) && COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
      ;;
  esac
}

complete -F _deskbreak deskbreak
