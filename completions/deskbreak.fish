# fish completion for deskbreak(1), the desk-break reminder's CLI.

set -l commands status stats monitor snooze pause resume break reload stretches stretch config help

# The words before the cursor, the command name included, number $argv[1].
function __deskbreak_nth_word
    test (count (commandline -opc)) -eq $argv[1]
end

complete -c deskbreak -f

complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -l version -d 'Show the version'
complete -c deskbreak -s h -l help -d 'Show help'

complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a status -d 'Sitting time, state, next reminder'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a stats -d 'Today and the last days'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a monitor -d 'A line per change, for status bars'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a snooze -d 'No reminder for a while'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a pause -d 'No reminders for a while or until resume'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a resume -d 'End a pause or a snooze'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a break -d 'Count a break now'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a reload -d 'Read the config file again'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a stretches -d 'List the stretches'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a stretch -d 'Show a stretch in full'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a config -d 'Config file: path, check, default'
complete -c deskbreak -n "not __fish_seen_subcommand_from $commands" -a help -d 'Show help for a command'

complete -c deskbreak -n '__fish_seen_subcommand_from status' -l json -d 'One JSON object with every status key'
complete -c deskbreak -n '__fish_seen_subcommand_from status' -s v -l verbose -d 'Idle source, config, notifications, today'

complete -c deskbreak -n '__fish_seen_subcommand_from stats' -l days -x -a '7 14 30 90 365' -d 'Show this many days (1 to 1000)'
complete -c deskbreak -n '__fish_seen_subcommand_from stats' -l json -d 'One JSON object with every day'

complete -c deskbreak -n '__fish_seen_subcommand_from monitor' -l format -x -a 'json\t"One JSON object a line" waybar\t"waybar custom module" i3blocks\t"i3blocks, interval=persist" polybar\t"polybar custom/script, tail = true"' -d 'Output format'

complete -c deskbreak -n '__fish_seen_subcommand_from snooze pause; and __deskbreak_nth_word 2' -a '5m 10m 15m 30m 1h' -d Duration

complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a bruegger -d "Bruegger's relief position"
complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a doorway -d 'Doorway stretch'
complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a wall-angels -d 'Wall angels'
complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a backrest-extension -d 'Chair backrest extension'
complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a seated-twist -d 'Seated twist'
complete -c deskbreak -n '__fish_seen_subcommand_from stretch; and __deskbreak_nth_word 2' -a reach-and-squeeze -d 'Reach up and squeeze'

complete -c deskbreak -n '__fish_seen_subcommand_from config; and __deskbreak_nth_word 2' -a path -d 'The config file in use'
complete -c deskbreak -n '__fish_seen_subcommand_from config; and __deskbreak_nth_word 2' -a check -d 'Check a config file'
complete -c deskbreak -n '__fish_seen_subcommand_from config; and __deskbreak_nth_word 2' -a default -d 'Print the default config file'
complete -c deskbreak -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from check; and __deskbreak_nth_word 3' -F

complete -c deskbreak -n '__fish_seen_subcommand_from help; and __deskbreak_nth_word 2' -a "status stats monitor snooze pause resume break reload stretches stretch config"
