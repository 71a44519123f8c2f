/*
 * libpierone internals, authentication group: what a registry request
 * carries.  Answers to 401s (regauth.c), WWW-Authenticate challenges
 * (challenge.c), the Docker credentials of a host (docker_creds.c), the
 * shape of a token (token_find.c).  http.c asks this group what to send;
 * only the token service's client (token_service.c) sends anything.
 * Builds on base.h and files.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_AUTH_H
#define PIERONE_AUTH_H

#include "base.h"

/* token_find.c: a bearer token as RFC 6750 allows (b64token), len bytes. */
bool token_valid(const char *s, size_t len);

/*
 * docker_creds.c: the Docker credentials for a registry host[:port], as
 * the docker client finds them: config.json credHelpers[HOST],
 * credsStore, auths[HOST], then ~/.dockercfg.  *basic is
 * base64("user:secret") (caller wipes and frees) or NULL when there are
 * none; non-zero only when a file is corrupt or a helper cannot be run.
 */
int docker_credentials(char **basic, const char *host,
    struct pierone_err *err);

/* challenge.c: a registry's WWW-Authenticate challenge, parsed. */
enum challenge_scheme { CH_NONE, CH_BASIC, CH_BEARER, CH_OTHER };
struct challenge {
	enum challenge_scheme scheme;	/* CH_NONE: nothing to answer */
	char *realm, *service, *scope;	/* as sent, or NULL */
};
int challenge_parse(struct challenge *out, const char *hdr);
void challenge_clear(struct challenge *ch);
/* "repository:NAME:pull" for /v2/NAME/..., or NULL; caller frees. */
char *scope_of_path(const char *path);

/*
 * What a request carries (regauth.c decides, http.c does):
 * AUTH_SEND    send with *line (may be NULL: no Authorization);
 * AUTH_FETCH   first fetch the token of *tok (auth_fetch_request);
 * AUTH_WAIT    another request is fetching *tok's token: wait;
 * AUTH_FAIL    fetching *tok's token failed (auth_tok_err);
 * AUTH_NO_CREDS   the registry wants Basic and there are no credentials;
 * AUTH_GIVE_UP    nothing more to try: the 401 stands;
 * AUTH_NOMEM   out of memory.
 */
enum auth_step { AUTH_SEND, AUTH_FETCH, AUTH_WAIT, AUTH_FAIL, AUTH_NO_CREDS,
	AUTH_GIVE_UP, AUTH_NOMEM };
enum auth_tok_state { TOK_NEW, TOK_PENDING, TOK_READY, TOK_FAILED };
struct auth;
struct auth_tok;
struct pierone_client;
enum auth_step auth_for_path(struct pierone_client *c, const char *path,
    char **line, struct auth_tok **tok);
/* After a 401 to a request that carried `sent` (or NULL). */
enum auth_step auth_on_401(struct pierone_client *c, const char *www_auth,
    const char *sent, char **line, struct auth_tok **tok);
enum auth_tok_state auth_tok_state(const struct auth_tok *t);
/* Carry on with the token: SEND (*line), FETCH, WAIT or FAIL. */
enum auth_step auth_resume(struct auth_tok *t, char **line);
/* The credential an Authorization `line` (or NULL) carries, named. */
const char *auth_credential(struct pierone_client *c, const char *line);
const struct pierone_err *auth_tok_err(const struct auth_tok *t);
/* The realm URL with service and scopes, and the Authorization line. */
int auth_fetch_request(struct pierone_client *c, struct auth_tok *t,
    char **url, char **line);
/* The realm answered: the token is READY, or FAILED with a message. */
int auth_fetch_done(struct pierone_client *c, struct auth_tok *t,
    long status, const struct buf *body, const char *url);
void auth_fetch_failed(struct auth_tok *t, const struct pierone_err *err);
/* Before a batch of requests: tokens that failed may be tried again. */
void auth_batch_start(struct pierone_client *c);
const char *auth_no_creds_reason(const struct pierone_client *c);
void auth_free(struct auth *a);
/* From now on the client answers 401s with its token only, never with
 * Docker's credentials (login checks the token it is about to store). */
int auth_only_token(struct pierone_client *c);

#endif /* PIERONE_AUTH_H */
