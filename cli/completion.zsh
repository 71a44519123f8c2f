#compdef pierone
# zsh completion for pierone(1)
# SPDX-License-Identifier: Apache-2.0
#
# Installed as share/zsh/site-functions/_pierone; compinit finds it on
# $fpath.  Team, artifact and tag names are asked of the registry, with
# the -c FILE and --url URL already on the command line, but only when a
# token is at hand: the listing commands never prompt and fail at once
# without one.  No password or token ever goes on a command line.

# Offer the names in column $1 of 'pierone COMMAND -o tsv ARGS' ($4 and
# on), the header line skipped, as matches of tag $2 described by $3.
# One try of at most two seconds, standard input /dev/null.
(( $+functions[_pierone_remote] )) ||
_pierone_remote() {
	local col=$1 tag=$2 descr=$3 url=${(Q)opt_args[--url]}
	local -a names global expl
	shift 3
	[[ -n $cfg ]] && global=(-c "$cfg")
	names=(${(f)"$(PIERONE_RETRIES=0 "$prog" $global $1 -o tsv \
	    --timeout 2 ${url:+--url} ${url:+"$url"} "${@[2,-1]}" \
	    </dev/null 2>/dev/null | tail -n +2 | cut -f $col)"})
	_wanted $tag expl $descr compadd -a names
}

_pierone() {
	local curcontext=$curcontext state state_descr line ret=1
	local prog=${(Q)words[1]} cfg cmd c off=0
	local -a commands matches opts
	local -A opt_args

	_arguments -C -S \
	    '(-c --config-file)'{-c+,--config-file=}'[read the configuration from FILE]:configuration file:_files' \
	    '(- : *)'{-h,--help}'[list the commands]' \
	    '(- : *)'{-V,--version}'[print the version]' \
	    '*'{-v,--verbose}'[trace each HTTP request on stderr]' \
	    '1:command:->command' \
	    '*::argument:->argument' && ret=0

	[[ $prog == '~/'* ]] && prog=$HOME/${prog#'~/'}
	cfg=${(Q)opt_args[-c]:-${(Q)opt_args[--config-file]}}
	[[ $cfg == '~/'* ]] && cfg=$HOME/${cfg#'~/'}

	commands=(
	    'artifacts:list a team'\''s artifacts'
	    'describe:show everything the registry knows of an image'
	    'help:show the help of pierone or of a command'
	    'image:list the tags of the image whose id starts with PREFIX'
	    'inspect-contents:list the files in the top layers of an image'
	    'latest:print the latest tag of an artifact'
	    'login:get a token and write Docker'\''s credentials'
	    'mark-production-ready:mark an image as production ready'
	    'scm-source:show the source each tag was built from'
	    'tags:list the tags of a team'\''s artifacts'
	    'teams:list all teams'
	)
	case $state in
	command)
		_describe -t commands 'pierone command' commands && ret=0
		return ret
		;;
	argument)
		;;
	*)
		return ret
		;;
	esac

	# A unique prefix names a command, as for pierone itself.
	matches=(${${(M)commands:#${words[1]}*}%%:*})
	if (( ${matches[(Ie)${words[1]}]} )); then
		cmd=${words[1]}
	elif (( $#matches == 1 )); then
		cmd=$matches[1]
	else
		_message "unknown command: ${words[1]}"
		return 1
	fi
	curcontext=${curcontext%:*:*}:pierone-$cmd:

	opts=(
	    '(- : *)'{-h,--help}'[show the command'\''s options]'
	    '--timeout=[seconds one request may take]:seconds'
	    '--url=[registry URL, overriding the configuration]:registry URL'
	    '(-v --verbose)'{-v,--verbose}'[trace each HTTP request on standard error]'
	)
	case $cmd in
	artifacts | image | inspect-contents | latest | scm-source | tags | teams)
		opts+=('(-o --output)'{-o+,--output=}'[output format]:format:(text json tsv)')
		;|
	describe)
		opts+=(
		    '(-o --output)'{-o+,--output=}'[output format]:format:(text json)'
		    '1:team:->team' '2:artifact:->artifact' '3:tag:->tag'
		)
		;;
	help)
		opts=(${opts:#--*}
		    "1:command:(${commands%%:*})"
		)
		;;
	mark-production-ready)
		# INCIDENT comes first: the names are one word further on.
		off=1
		opts+=('1:incident: ' '2:team:->team' '3:artifact:->artifact'
		    '4:tag:->tag')
		;;
	scm-source | tags)
		opts+=('(-j --jobs)'{-j+,--jobs=}'[requests sent at once]:number of requests')
		;|
	latest | tags)
		opts+=(
		    '--all[also signature and attestation tags (v2)]'
		    '*--exclude=[leave out tags that match]:extended regular expression'
		    '*--filter=[only tags that match]:extended regular expression'
		)
		;|
	artifacts)
		opts+=('1:team:->team')
		;;
	image)
		opts+=('1:image id prefix: ')
		;;
	latest)
		opts+=(
		    '--digest[print REGISTRY/TEAM/ARTIFACT:TAG@DIGEST]'
		    '--no-snapshot[leave out tags ending in -SNAPSHOT]'
		    '1:team:->team' '2:artifact:->artifact'
		)
		;;
	login)
		opts=(${opts:#--url=*}
		    '--url=[registry URL; saved in pierone.yaml]:registry URL'
		    '--credential-helper[make docker ask docker-credential-pierone for tokens]'
		    '--password-stdin[read the password from standard input]'
		    '--refresh[get a new token even if one is cached]'
		    '(-U --user)'{-U+,--user=}'[user name for the token service]:user:_users'
		)
		;;
	scm-source)
		opts+=('1:team:->team' '2:artifact:->artifact' '*:tag:->tag')
		;;
	inspect-contents)
		opts+=(
		    '(-l --limit)'{-l+,--limit=}'[read down to the Nth layer with files, 0 all]:number of layers'
		    '1:team:->team' '2:artifact:->artifact' '*:tag:->tag'
		)
		;;
	tags)
		opts+=(
		    '(-l --limit)'{-l+,--limit=}'[show the last N tags per artifact, 0 all]:number of tags'
		    '--no-dates[v2: list names only, without their dates]'
		    '(-r --reverse)'{-r,--reverse}'[print each artifact'\''s tags in reverse order]'
		    '--sort=[order each artifact'\''s tags]:key:(created name)'
		    '1:team:->team' '*:artifact:->artifact'
		)
		;;
	esac

	_arguments -C -S $opts && ret=0
	# A reference, TEAM/ARTIFACT[:TAG], where TEAM comes: TEAM/ gives
	# the team's artifacts, TEAM/ARTIFACT: its tags; after it, tags.
	local ref=${(Q)line[1 + off]}
	if [[ $state == team && $PREFIX == [^.:/]##/* ]]; then
		ref=${PREFIX%%:*}
		if [[ $PREFIX == *:* ]]; then
			[[ $cmd == (latest|tags) ]] && return ret
			compset -P '*:'
			state=reftag
		else
			compset -P 1 '*/'
			state=refartifact
		fi
	elif [[ $state == (artifact|tag) && $ref == [^.:/]##/* ]]; then
		[[ $cmd == (latest|tags) ]] && return ret
		ref=${ref%%:*}
		state=reftag
	fi
	case $state in
	team)
		_pierone_remote 1 teams team teams && ret=0
		;;
	artifact)
		_pierone_remote 2 artifacts artifact artifacts \
		    "${(Q)line[1 + off]}" && ret=0
		;;
	tag)
		_pierone_remote 3 tags tag tags -l 0 "${(Q)line[1 + off]}" \
		    "${(Q)line[2 + off]}" && ret=0
		;;
	refartifact)
		_pierone_remote 2 artifacts artifact artifacts "${ref%%/*}" &&
		    ret=0
		;;
	reftag)
		_pierone_remote 3 tags tag tags -l 0 "${ref%%/*}" \
		    "${ref#*/}" && ret=0
		;;
	esac
	return ret
}

_pierone "$@"
