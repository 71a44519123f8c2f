# bash completion for pierone(1)                      -*- shell-script -*-
# SPDX-License-Identifier: Apache-2.0
#
# Installed as share/bash-completion/completions/pierone (loaded on demand
# by bash-completion), or source it from ~/.bashrc.  It does not need
# bash-completion; it uses its _filedir for -c FILE when that is there.
#
# Team, artifact and tag names are asked of the registry, with the -c FILE
# and --url URL already on the command line, but only when a token is at
# hand: the listing commands never prompt and fail at once without one.
# No password or token ever goes on a command line.

# Append to COMPREPLY the names in column $1 of the output of
# 'pierone COMMAND -o tsv ARGS' ($2 and on) that start with $cur, the
# header line skipped.  Registry data is never expanded by the shell (no
# compgen -W): names are compared as plain strings.  One try of at most
# two seconds; standard input is /dev/null, so nothing can prompt.
#
# $pfx (a reference's TEAM/ or TEAM/ARTIFACT:) goes before each name;
# bash replaces only what follows the last ':' of the word when ':'
# breaks words (COMP_WORDBREAKS), so that part is left out of the reply.
_pierone_remote()
{
	local col=$1 name full
	shift
	while IFS= read -r name; do
		full=$pfx$name
		[[ -n $name && $full == "$cur"* ]] || continue
		if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
			full=${full#"${cur%:*}:"}
		fi
		COMPREPLY+=("$full")
	done < <(PIERONE_RETRIES=0 "$prog" ${cfg:+-c "$cfg"} "$1" -o tsv \
	    --timeout 2 ${url:+--url "$url"} "${@:2}" </dev/null 2>/dev/null |
	    tail -n +2 | cut -f "$col")
}

_pierone()
{
	local line=${COMP_LINE:0:COMP_POINT} cur prev prog cfg= url= cmd= c
	local -a words args=()
	local i w ncmd opts= valopts= nomore=

	# Split the line ourselves, on blanks only: COMP_WORDS is also split
	# at '=' and ':', which would make --url=http://h look like three
	# arguments.
	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:blank:]] ]] && words+=("")
	# VAR=value pierone ...
	while ((${#words[@]} > 1)) &&
	    [[ ${words[0]} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		words=("${words[@]:1}")
	done
	cur=${words[${#words[@]} - 1]}
	prev=
	((${#words[@]} > 1)) && prev=${words[${#words[@]} - 2]}
	prog=${words[0]:-pierone}
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
	COMPREPLY=()

	# Global options, up to the command.
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		w=${words[i]}
		case $w in
		-c | --config-file) cfg=${words[i + 1]}; ((i++)) ;;
		--config-file=*) cfg=${w#*=} ;;
		-c?*) cfg=${w#-c} ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done
	[[ $cfg == "~/"* ]] && cfg=$HOME/${cfg#"~/"}

	if [[ -z $cmd ]]; then
		case $prev in
		-c | --config-file)
			if declare -F _filedir >/dev/null; then
				_filedir
			else
				compopt -o filenames 2>/dev/null
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-c --config-file -h --help
			    -V --version -v --verbose" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "artifacts describe help image
			    inspect-contents latest login
			    mark-production-ready scm-source tags teams" \
			    -- "$cur"))
		fi
		return
	fi

	# A unique prefix names a command, as for pierone itself.
	ncmd=0
	for c in artifacts describe help image inspect-contents latest login \
	    mark-production-ready scm-source tags teams; do
		if [[ $c == "$cmd" ]]; then
			ncmd=1 w=$c
			break
		fi
		[[ $c == "$cmd"* ]] && w=$c && ((ncmd++))
	done
	((ncmd == 1)) || return
	cmd=$w

	# The command's options: those taking a value, then all of them.
	case $cmd in
	artifacts | describe | image | teams)
		valopts="-o --output --timeout --url"
		opts="-h --help -o --output --timeout --url -v --verbose"
		;;
	help)
		valopts=""
		opts="-h --help -v --verbose"
		;;
	mark-production-ready)
		valopts="--timeout --url"
		opts="-h --help --timeout --url -v --verbose"
		;;
	latest)
		valopts="--exclude --filter -o --output --timeout --url"
		opts="--all --digest --exclude --filter -h --help --no-snapshot
		    -o --output --timeout --url -v --verbose"
		;;
	login)
		valopts="--timeout -U --user --url"
		opts="--credential-helper -h --help --password-stdin --refresh
		    --timeout -U --user --url -v --verbose"
		;;
	inspect-contents)
		valopts="-l --limit -o --output --timeout --url"
		opts="-h --help -l --limit -o --output --timeout --url
		    -v --verbose"
		;;
	scm-source)
		valopts="-j --jobs -o --output --timeout --url"
		opts="-h --help -j --jobs -o --output --timeout --url
		    -v --verbose"
		;;
	tags)
		valopts="--exclude --filter -j --jobs -l --limit -o --output
		    --sort --timeout --url"
		valopts=${valopts//$'\n'/ }
		opts="--all --exclude --filter -h --help -j --jobs -l --limit
		    --no-dates -o --output -r --reverse --sort --timeout --url
		    -v --verbose"
		;;
	esac

	# The command's arguments so far, and its --url.
	for ((i++; i < ${#words[@]} - 1; i++)); do
		w=${words[i]}
		if [[ -n $nomore || $w != -?* ]]; then
			args+=("$w")
		elif [[ $w == -- ]]; then
			nomore=1
		elif [[ " $valopts " == *" $w "* ]]; then
			[[ $w == --url ]] && url=${words[i + 1]}
			((i++))
		elif [[ $w == --url=* ]]; then
			url=${w#*=}
		fi
	done

	if [[ -z $nomore ]]; then
		case $prev in
		-o | --output)
			COMPREPLY=($(compgen -W "text json tsv" -- "$cur"))
			return
			;;
		--sort)
			COMPREPLY=($(compgen -W "created name" -- "$cur"))
			return
			;;
		esac
		if [[ " $valopts " == *" $prev "* ]]; then
			return		# a number, URL or user name
		fi
		case $cur in
		--output=*)
			# bash completes after the '=' unless it is no word break
			w=${cur#*=}
			COMPREPLY=($(compgen -W "text json tsv" -- "$w"))
			if [[ $COMP_WORDBREAKS != *=* ]]; then
				COMPREPLY=("${COMPREPLY[@]/#/--output=}")
			fi
			return
			;;
		-o?*)
			if [[ " $valopts " == *" -o "* ]]; then
				COMPREPLY=($(compgen -P -o -W "text json tsv" \
				    -- "${cur#-o}"))
			fi
			return
			;;
		-*)
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
			return
			;;
		esac
	fi

	# A reference (TEAM/ARTIFACT[:TAG]) where TEAM comes: the names
	# of what it holds count as typed apart.  Being typed: TEAM/ gives
	# the team's artifacts, TEAM/ARTIFACT: its tags.
	local at=0 pfx= ref
	[[ $cmd == mark-production-ready ]] && at=1
	case $cmd in
	describe | inspect-contents | latest | mark-production-ready | \
	    scm-source | tags)
		ref=${args[at]-}
		if ((${#args[@]} > at)) && [[ $ref == */* ]]; then
			[[ $cmd == tags ]] && return
			args=("${args[@]:0:at}" "${ref%%/*}" "${ref#*/}"
			    "${args[@]:at+1}")
			if [[ ${args[at + 1]} == *:* ]]; then
				w=${args[at + 1]}
				args[at + 1]=${w%:*}
				args=("${args[@]:0:at+2}" "${w##*:}"
				    "${args[@]:at+2}")
			fi
		elif ((${#args[@]} == at)) && [[ $cur == */* ]]; then
			ref=${cur%%:*}
			[[ ${ref%%/*} == *[.:]* ]] && return	# a registry's
			if [[ $cur == *:* ]]; then
				[[ $cmd == latest || $cmd == tags ]] && return
				pfx=$ref:
				_pierone_remote 3 tags -l 0 "${ref%%/*}" \
				    "${ref#*/}"
			else
				pfx=${cur%%/*}/
				_pierone_remote 2 artifacts "${cur%%/*}"
			fi
			return
		fi
		;;
	esac

	# mark-production-ready's INCIDENT comes first: one word more.
	case $cmd:${#args[@]} in
	help:0)
		COMPREPLY=($(compgen -W "artifacts describe help image
		    inspect-contents latest login mark-production-ready
		    scm-source tags teams" -- "$cur"))
		;;
	artifacts:0 | describe:0 | inspect-contents:0 | latest:0 | \
	    mark-production-ready:1 | scm-source:0 | tags:0)
		_pierone_remote 1 teams
		;;
	describe:1 | inspect-contents:1 | latest:1 | scm-source:1 | tags:*)
		_pierone_remote 2 artifacts "${args[0]}"
		;;
	mark-production-ready:2)
		_pierone_remote 2 artifacts "${args[1]}"
		;;
	describe:2 | inspect-contents:* | scm-source:*)
		_pierone_remote 3 tags -l 0 "${args[0]}" "${args[1]}"
		;;
	mark-production-ready:3)
		_pierone_remote 3 tags -l 0 "${args[1]}" "${args[2]}"
		;;
	esac
} &&
	complete -F _pierone pierone

# ex: filetype=sh
