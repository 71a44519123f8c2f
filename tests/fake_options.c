/*
 * fake_options.c - the fake registry (see fake.h):
 * The command line: options, fault specs, generated teams.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"

static const char *const fmodes[] = { [F_STATUS] = "status=",
    [F_RETRY] = "retry-after=", [F_INVALID] = "invalid-json",
    [F_SHAPE] = "wrong-shape", [F_TRUNC] = "truncated", [F_HANG] = "hang",
    [F_SLOW] = "slow", [F_HUGE] = "huge=", [F_REDIRECT] = "redirect=",
    [F_ENDLESS] = "endless", [F_HEADERS] = "headers=",
    [F_HEADER_LINE] = "header-line=" };

static const char *const apis[] = { "both", "pierone", "v2", "v2-portal",
    "none", "web", NULL };

static const char *const auths[] = { "token", "none", "basic", "bearer",
    NULL };

static const char *const links[] = { "relative", "absolute", "foreign",
    "loop", NULL };


bool
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}


static unsigned long
num_arg(const char *name, const char *s, unsigned long max)
{
	unsigned long	 v;

	if (!parse_ulong(s, max, &v))
		fail("%s %s: not a number up to %lu", name, s, max);
	return v;
}


/* TEAM:NARTIFACTS:NTAGS; the team name may itself hold colons. */
void
add_gen(const char *spec, uint64_t *seed)
{
	unsigned long	 i, nart = 0, ntag = 0;
	char		*s = xstrdup(spec), *c1 = NULL, *c2, name[32];
	struct team	*t = NULL;
	bool		 ok;

	if ((c2 = strrchr(s, ':')) != NULL) {
		*c2++ = '\0';
		c1 = strrchr(s, ':');
	}
	ok = c1 != NULL && c1 != s;
	if (ok)
		*c1++ = '\0';
	ok = ok && parse_ulong(c1, 1000000, &nart) &&
	    parse_ulong(c2, 10000000, &ntag);
	if (ok)
		t = new_team(s);
	free(s);
	if (!ok)
		fail("--gen %s: expected TEAM:NARTIFACTS:NTAGS", spec);
	for (i = 0; i < nart; i++) {
		snprintf(name, sizeof(name), "app-%04lu", i);
		new_artifact(t, name)->ngen = ntag;
		t->arts[i].seed = (*seed)++;
	}
}


/* MODE[@SUBSTRING][#COUNT]: paths never hold '#', modes never '@'. */
static void
parse_fault(struct fault *f, const char *spec)
{
	unsigned long	 v = 0;
	size_t		 len = 0;
	char		*p, *arg;

	f->spec = xstrdup(spec);
	if ((p = strchr(f->spec, '#')) != NULL) {
		*p++ = '\0';
		f->counted = true;
		if (!parse_ulong(p, LONG_MAX, &v))
			fail("--fault %s: bad count", spec);
		atomic_init(&f->left, (long)v);
	}
	if ((p = strchr(f->spec, '@')) != NULL) {
		*p++ = '\0';
		f->substr = *p != '\0' ? p : NULL;
	}
	for (f->mode = F_LAST; f->mode > F_NONE; f->mode--) {
		len = strlen(fmodes[f->mode]);
		if (fmodes[f->mode][len - 1] == '=' ?
		    strncmp(f->spec, fmodes[f->mode], len) == 0 :
		    strcmp(f->spec, fmodes[f->mode]) == 0)
			break;
	}
	arg = f->spec + (f->mode != F_NONE ? len : 0);
	if (f->mode == F_NONE ||
	    (f->mode == F_STATUS && (!parse_ulong(arg, 599, &v) || v < 100)) ||
	    ((f->mode == F_HUGE || f->mode == F_HEADERS ||
	    f->mode == F_HEADER_LINE) && !parse_ulong(arg, ULONG_MAX, &v)) ||
	    (f->mode == F_HEADER_LINE && v == 0) ||
	    ((f->mode == F_RETRY || f->mode == F_REDIRECT) &&
	    (*arg == '\0' || strpbrk(arg, "\r\n"))))
		fail("--fault %s: bad fault", spec);
	f->arg = v;
	f->retry = arg;
}


/* NAME:SECRET; not echoed when wrong, as it may be a real password. */
static const char *
pair_arg(const char *name, const char *form, const char *s)
{
	if (strchr(s, ':') == NULL)
		fail("%s: expected %s", name, form);
	return s;
}


/* One of the words (NULL-terminated); returns its index. */
static int
word_arg(const char *name, const char *s, const char *const *words)
{
	int	 i;

	if ((i = word_index(s, words)) < 0)
		fail("%s %s: unknown value", name, s);
	return i;
}


/* "none" leaves expires_in out, for clients that must cope without. */
static void
expires_arg(const char *s)
{
	opt.no_expiry = strcmp(s, "none") == 0;
	if (!opt.no_expiry)
		opt.expires_in = num_arg("--expires-in", s, ULONG_MAX);
}


/* Appending, so that several servers (or runs) can share one log. */
static void
open_log(const char *file)
{
	if (opt.logfd != -1)
		close(opt.logfd);
	opt.logfd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (opt.logfd == -1)
		fail("%s: %s", file, strerror(errno));
}


/* --body-log: what was POSTed, one body a line. */
static void
open_body_log(const char *file)
{
	if (opt.bodylogfd != -1)
		close(opt.bodylogfd);
	opt.bodylogfd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644);
	if (opt.bodylogfd == -1)
		fail("%s: %s", file, strerror(errno));
}


/* The options that make it play Distribution; false if ch is none. */
static bool
distribution_arg(int ch)
{
	if (ch == 'a') {
		opt.api = (enum api)word_arg("--api", optarg, apis);
		/* v2, with a web portal answering every other path. */
		if ((opt.portal = opt.api == API_V2_PORTAL))
			opt.api = API_V2;
	} else if (ch == 'A')
		opt.auth = (enum auth)word_arg("--auth", optarg, auths);
	else if (ch == 'U')
		opt.regusers[opt.nregusers++] = pair_arg("--registry-user",
		    "NAME:SECRET", optarg);
	else if (ch == 'r')
		opt.realm_url = optarg;
	else if (ch == 'n')
		opt.anonymous = true;
	else if (ch == 'T')
		opt.rt_ttl = num_arg("--registry-token-ttl", optarg, TTL_MAX);
	else if (ch == 's')
		opt.page_size = num_arg("--page-size", optarg, 10000000);
	else if (ch == 'S')
		opt.short_pages = true;
	else if (ch == 'L')
		opt.link = (enum link)word_arg("--link-style", optarg, links);
	else
		return false;
	return true;
}


/* The options that make it a server with a short accept queue. */
static bool
queue_arg(int ch)
{
	if (ch == 'b')
		opt.backlog = num_arg("--backlog", optarg, 65535);
	else if (ch == 'm')
		opt.max_conns = num_arg("--max-conns", optarg, 256);
	else if (ch == 'o')
		opt.log_conns = true;
	else if (ch == 'x')
		opt.refuse_after = num_arg("--refuse-after", optarg, 65535);
	else
		return false;
	return true;
}


void
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "token", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "forbid", required_argument, NULL, 'F' },
		{ "fault", required_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "gen", required_argument, NULL, 'g' },
		{ "user", required_argument, NULL, 'u' },
		{ "client", required_argument, NULL, 'c' },
		{ "issue", required_argument, NULL, 'i' },
		{ "expires-in", required_argument, NULL, 'e' },
		{ "token-response", required_argument, NULL, 'R' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "api", required_argument, NULL, 'a' },
		{ "auth", required_argument, NULL, 'A' },
		{ "registry-user", required_argument, NULL, 'U' },
		{ "realm-url", required_argument, NULL, 'r' },
		{ "anonymous", no_argument, NULL, 'n' },
		{ "registry-token-ttl", required_argument, NULL, 'T' },
		{ "page-size", required_argument, NULL, 's' },
		{ "short-pages", no_argument, NULL, 'S' },
		{ "link-style", required_argument, NULL, 'L' },
		{ "body-log", required_argument, NULL, 'B' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "max-conns", required_argument, NULL, 'm' },
		{ "log-connections", no_argument, NULL, 'o' },
		{ "refuse-after", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	/* No option can be given more often than there are arguments. */
	opt.tokens = xrealloc(NULL, (size_t)argc + 1, sizeof(*opt.tokens));
	opt.forbid = xrealloc(NULL, (size_t)argc, sizeof(*opt.forbid));
	opt.gens = xrealloc(NULL, (size_t)argc, sizeof(*opt.gens));
	opt.users = xrealloc(NULL, (size_t)argc, sizeof(*opt.users));
	opt.clients = xrealloc(NULL, (size_t)argc, sizeof(*opt.clients));
	opt.regusers = xrealloc(NULL, (size_t)argc, sizeof(*opt.regusers));
	opt.faults = xrealloc(NULL, (size_t)argc, sizeof(*opt.faults));
	memset(opt.faults, 0, (size_t)argc * sizeof(*opt.faults));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'd')
			opt.data = optarg;
		else if (ch == 't')
			opt.tokens[opt.ntokens++] = optarg;
		else if (ch == 'p')
			opt.port = num_arg("--port", optarg, 65535);
		else if (ch == 'P')
			opt.port_file = optarg;
		else if (ch == 'D')
			opt.delay_ms = num_arg("--delay-ms", optarg, 3600000);
		else if (ch == 'F')
			opt.forbid[opt.nforbid++] = optarg;
		else if (ch == 'f')
			parse_fault(&opt.faults[opt.nfaults++], optarg);
		else if (ch == 'g')
			opt.gens[opt.ngens++] = optarg;
		else if (ch == 'l')
			open_log(optarg);
		else if (ch == 'u')
			opt.users[opt.nusers++] = pair_arg("--user",
			    "NAME:PASSWORD", optarg);
		else if (ch == 'c')
			opt.clients[opt.nclients++] = pair_arg("--client",
			    "ID:SECRET", optarg);
		else if (ch == 'i')
			opt.issue = optarg;
		else if (ch == 'e')
			expires_arg(optarg);
		else if (ch == 'R')
			opt.token_response = optarg;
		else if (ch == 'C')
			opt.tls_cert = optarg;
		else if (ch == 'K')
			opt.tls_key = optarg;
		else if (ch == 'B')
			open_body_log(optarg);
		else if (!distribution_arg(ch) && !queue_arg(ch))
			usage();
	}
	if (optind != argc || (opt.data == NULL && opt.ngens == 0) ||
	    (opt.tls_cert == NULL) != (opt.tls_key == NULL))
		usage();
	if (opt.ntokens == 0)
		opt.tokens[opt.ntokens++] = "test-token";
	/* What the service hands out, the registry takes by default. */
	if (opt.issue == NULL)
		opt.issue = opt.tokens[0];
}
