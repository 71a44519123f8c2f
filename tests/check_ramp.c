/*
 * The ramp (lib/http_ramp.c) end to end: pierone tags against a fake
 * registry that plays a short accept queue, refuses connections or is
 * slow to answer, as its --log-connections lines show.  Behaviour only:
 * the fake's delays order events, nothing is timed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/wait.h>

#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#include "tests.h"

#define TOKEN "test-token-0123456789"

/* A fake of `gen` (TEAM:NARTIFACTS:NTAGS) with `extra` after it. */
static void
start(const char *gen, const char *delay_ms, const char *const *extra)
{
	const char *args[] = { "--token", TOKEN, "--gen", gen,
	    "--delay-ms", delay_ms, "--log-connections", NULL };

	site_open("pierone=" TOKEN, 0);
	site_fake_start(args, extra);
}

static void
teardown(void)
{
	site_close(true);
}

/* Lines of the log that start with `what`, in its first `len` bytes. */
static int
count_lines(const char *log, size_t len, const char *what)
{
	size_t n = strlen(what);
	int count = 0;

	for (const char *p = log; p != NULL && p < log + len; ) {
		if (strncmp(p, what, n) == 0)
			count++;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return count;
}

/* The most connections the fake had open at once ("CONNECT SEQ OPEN"). */
static int
most_open(const char *log)
{
	unsigned long seq, open;
	int most = 0;

	for (const char *p = log; p != NULL; ) {
		if (sscanf(p, "CONNECT %lu %lu", &seq, &open) == 2 &&
		    (int)open > most)
			most = (int)open;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return most;
}

/* tags -o tsv of TEAM `bench` with `n` artifacts: all their rows. */
static void
assert_all_rows(const struct run *r, int n)
{
	ck_assert_msg(r->status == 0, "status %d: %s", r->status, r->err);
	/* A header line, then the last 3 tags of each artifact. */
	ck_assert_int_eq(test_count(r->out, "\n"), 1 + 3 * n);
	ck_assert_int_eq(test_count(r->out, "\t1.0.4\t"), n);
}

/*
 * Past the 6 connections the server serves and the 3 its accept queue
 * holds, SYNs are dropped; a connection in the queue is never served
 * while pierone keeps the others.  Opening 64 at once left requests
 * waiting for their timeout; now they move to connections that answer,
 * so none times out, even with no retries.
 */
START_TEST(a_short_accept_queue_serves_a_wide_fan_out_without_timeouts)
{
	const char *queue[] = { "--backlog", "2", "--max-conns", "6", NULL };
	const char *env[] = { "PIERONE_RETRIES=0", NULL };
	struct run r;

	start("bench:60:5", "10", queue);
	site_pierone(&r, env, "tags", "-j", "64", "--timeout", "10", "-o",
	    "tsv", "bench", (const char *)NULL);
	assert_all_rows(&r, 60);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

/*
 * The fake stops listening once the artifacts list's connection is made
 * (its answer takes 50 ms): the fan-out's new connections are refused.
 * Those connects are no tries: with no retries, every request goes over
 * the connection that works, and the trace shows the refusals.
 */
START_TEST(a_connect_refused_mid_run_costs_no_try)
{
	const char *refuse[] = { "--refuse-after", "1", NULL };
	const char *env[] = { "PIERONE_RETRIES=0", "PIERONE_DEBUG=1", NULL };
	struct run r;

	start("bench:20:5", "50", refuse);
	site_pierone(&r, env, "tags", "-j", "16", "-o", "tsv", "bench",
	    (const char *)NULL);
	assert_all_rows(&r, 20);
	ck_assert_msg(strstr(r.err, "Couldn't connect") != NULL, "no connect "
	    "was refused:\n%s", r.err);
	run_free(&r);
}
END_TEST

/*
 * Each answer takes 200 ms: before the first tags list is answered,
 * pierone has the artifacts list's connection and at most 5 new ones
 * (4, and one for the connection that answered), not 20; once answers
 * come, more open.
 */
START_TEST(new_connections_open_a_few_at_a_time_until_they_answer)
{
	struct run r;
	const char *first;
	char *log;
	int before, all;

	start("bench:20:5", "200", NULL);
	site_run(&r, "tags", "-j", "64", "-o", "tsv", "bench");
	assert_all_rows(&r, 20);
	ck_assert_str_eq(r.err, "");
	log = fake_log(&site.fake);
	first = strstr(log, "GET /teams/bench/artifacts/app-");
	ck_assert_ptr_nonnull(first);
	before = count_lines(log, (size_t)(first - log), "CONNECT ");
	all = count_lines(log, strlen(log), "CONNECT ");
	ck_assert_msg(before >= 1 && before <= 6, "%d connections before "
	    "the first answer:\n%s", before, log);
	ck_assert_msg(all > before && all <= 20, "%d connections in all, "
	    "%d before the first answer", all, before);
	free(log);
	run_free(&r);
}
END_TEST

/* A normal server: the connections still grow to -j, and no further. */
START_TEST(a_wide_fan_out_on_a_normal_server_grows_to_the_jobs)
{
	struct run r;
	char *log;

	start("bench:100:5", "20", NULL);
	site_run(&r, "tags", "-j", "8", "-o", "tsv", "bench");
	assert_all_rows(&r, 100);
	ck_assert_str_eq(r.err, "");
	log = fake_log(&site.fake);
	ck_assert_msg(most_open(log) == 8, "at most %d connections open:\n%s",
	    most_open(log), log);
	free(log);
	run_free(&r);
}
END_TEST

/* DELAYPROXY relaying 127.0.0.1:PORT with `rtt_ms`: its pid, *port. */
static pid_t
relay_start(int to, const char *rtt_ms, int *port)
{
	const char *bin = getenv("DELAYPROXY");
	char target[16], pf[600], *dir = test_tmpdir();
	const char *argv[] = { bin, "-r", rtt_ms, "-t", target, "-p", pf,
	    NULL };
	char *text;
	pid_t pid;

	ck_assert_msg(bin != NULL, "DELAYPROXY is not set (make test sets "
	    "it)");
	test_fmt(target, sizeof(target), "%d", to);
	test_fmt(pf, sizeof(pf), "%s", test_path(dir, "port"));
	ck_assert_int_eq(posix_spawn(&pid, bin, NULL, NULL,
	    (char *const *)argv, environ), 0);
	for (int i = 0; i < 200 && ((text = test_slurp(pf, NULL)) == NULL ||
	    atoi(text) <= 0); i++) {
		free(text);
		text = NULL;
		usleep(20000);
	}
	ck_assert_msg(text != NULL, "%s did not start", bin);
	*port = atoi(text);
	free(text);
	test_rmtree(dir);
	free(dir);
	return pid;
}

/* Connections that carried a request ("... conn SEQ" lines). */
static int
request_connections(const char *log)
{
	bool seen[256] = { false };
	unsigned long seq;
	int n = 0;
	const char *c;

	for (const char *p = log; p != NULL && *p != '\0'; ) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, "GET ", 4) == 0 && (c = strstr(p, " conn ")) !=
		    NULL && (nl == NULL || c < nl) &&
		    sscanf(c, " conn %lu", &seq) == 1 && seq < 256 &&
		    !seen[seq]) {
			seen[seq] = true;
			n++;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return n;
}

/*
 * Over TLS at a real round-trip time a new connection takes its TCP and
 * TLS handshakes before it can answer: that is no stalled connect (the
 * ramp once took it for one, so every tag list went over the first
 * connection, one after another).
 */
START_TEST(tls_handshakes_at_a_real_rtt_are_no_stalled_connects)
{
	char cert[512], key[512], url[64], ca[600];
	const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
	const char *env[] = { url, ca, NULL };
	struct run r;
	int port, status;
	pid_t relay;
	char *log;

	/* test_data() has one buffer */
	test_fmt(cert, sizeof(cert), "%s", test_data("tls/cert.pem"));
	test_fmt(key, sizeof(key), "%s", test_data("tls/key.pem"));
	start("bench:40:5", "0", extra);
	relay = relay_start(site.fake.port, "60", &port);
	test_fmt(url, sizeof(url), "PIERONE_URL=https://127.0.0.1:%d", port);
	test_fmt(ca, sizeof(ca), "PIERONE_CA_BUNDLE=%s", cert);
	site_pierone(&r, env, "tags", "-o", "tsv", "bench",
	    (const char *)NULL);
	kill(relay, SIGTERM);
	waitpid(relay, &status, 0);
	assert_all_rows(&r, 40);
	run_free(&r);
	log = fake_log(&site.fake);
	ck_assert_msg(request_connections(log) >= 4, "%d connections carried "
	    "requests:\n%s", request_connections(log), log);
	free(log);
}
END_TEST

Suite *
ramp_suite(void)
{
	Suite *s = suite_create("ramp");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	/* Without the ramp, the first takes its 10 s timeout. */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc,
	    a_short_accept_queue_serves_a_wide_fan_out_without_timeouts);
	tcase_add_test(tc, a_connect_refused_mid_run_costs_no_try);
	tcase_add_test(tc, new_connections_open_a_few_at_a_time_until_they_answer);
	tcase_add_test(tc, a_wide_fan_out_on_a_normal_server_grows_to_the_jobs);
	tcase_add_test(tc, tls_handshakes_at_a_real_rtt_are_no_stalled_connects);
	suite_add_tcase(s, tc);
	return s;
}
