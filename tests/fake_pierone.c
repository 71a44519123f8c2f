/*
 * fake_pierone.c - the fake registry (see fake.h):
 * Pier One's own API: /teams, tags, scm-source, production-ready,
 * /tags/PREFIX.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/* /teams, /teams/{team}/artifacts (only) and /v2/_catalog (catalog). */
void
route_lists(struct reply *r, bool catalog, const struct team *only)
{
	struct sbuf	 sb = { 0 };
	size_t		 i, j, n = 0;

	sb_str(&sb, catalog ? "{\"repositories\":[" : "[");
	for (i = 0; i < nteams; i++) {
		if (only != NULL && only != &teams[i])
			continue;
		if (only == NULL && !catalog) {
			sb_str(&sb, n++ > 0 ? ",\"" : "\"");
			sb_esc(&sb, teams[i].name);
			sb_str(&sb, "\"");
		}
		for (j = 0; (only || catalog) && j < teams[i].narts; j++) {
			sb_str(&sb, n++ > 0 ? ",\"" : "\"");
			if (catalog) {
				sb_esc(&sb, teams[i].name);
				sb_str(&sb, "/");
			}
			sb_esc(&sb, teams[i].arts[j].name);
			sb_str(&sb, "\"");
		}
	}
	sb_str(&sb, catalog ? "]}" : "]");
	set_reply(r, MHD_HTTP_OK, &sb);
}


/* What a tags/list answer starts with, up to its array. */
void
tags_head(struct sbuf *sb, const char *team, const char *art)
{
	sb_str(sb, "{\"name\":\"");
	sb_esc(sb, team);
	sb_str(sb, "/");
	sb_esc(sb, art);
	sb_str(sb, "\",\"tags\":");
}


void
route_tags(struct reply *r, const char *team, const char *art, bool v2)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	struct sbuf		 sb = { 0 };

	if (a == NULL) {
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
		return;
	}
	if (v2)
		tags_head(&sb, team, art);
	if (a->tags_json != NULL)
		sb_str(&sb, v2 ? a->names_json : a->tags_json);
	else
		gen_tags(&sb, a, v2);
	if (v2)
		sb_str(&sb, "}");
	set_reply(r, MHD_HTTP_OK, &sb);
}


/* .../tags/TAG/scm-source: the tag's "scm_source" object, else 404. */
void
route_scm(struct reply *r, const char *team, const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag), *scm;
	char		*text;

	scm = cJSON_GetObjectItemCaseSensitive(t, "scm_source");
	if (scm == NULL || (text = cJSON_PrintUnformatted(scm)) == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else {
		reply_text(r, MHD_HTTP_OK, text);
		free(text);
	}
	cJSON_Delete(tagdoc);
}


/* .../tags/TAG: the tag object as the data has it, else 404. */
void
route_tag(struct reply *r, const char *team, const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag);
	char		*text;

	if (t == NULL || (text = cJSON_PrintUnformatted(t)) == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else {
		reply_text(r, MHD_HTTP_OK, text);
		free(text);
	}
	cJSON_Delete(tagdoc);
}


/* A problem (RFC 7807) with the tag's "problem_detail", if any. */
static void
reply_problem(struct reply *r, unsigned status, const char *title,
    const cJSON *t)
{
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(t,
	    "problem_detail");
	cJSON		*p = cJSON_CreateObject();
	char		*text;

	if (p == NULL || cJSON_AddStringToObject(p, "title", title) == NULL ||
	    cJSON_AddNumberToObject(p, "status", status) == NULL ||
	    (cJSON_IsString(d) && cJSON_AddStringToObject(p, "detail",
	    d->valuestring) == NULL) ||
	    (text = cJSON_PrintUnformatted(p)) == NULL)
		fail("out of memory");
	reply_text(r, status, text);
	reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/problem+json");
	free(text);
	cJSON_Delete(p);
}


/* Remember TEAM/ARTIFACT/TAG as marked; false if it was already. */
static bool
mark_once(const char *team, const char *art, const char *tag)
{
	char	*key;
	bool	 fresh = true;

	if (asprintf(&key, "%s/%s/%s", team, art, tag) == -1)
		fail("out of memory");
	pthread_mutex_lock(&marked.lock);
	for (size_t i = 0; i < marked.n && fresh; i++)
		fresh = strcmp(marked.v[i], key) != 0;
	if (fresh) {
		marked.v = xrealloc(marked.v, marked.n + 1, sizeof(*marked.v));
		marked.v[marked.n++] = key;
	} else
		free(key);
	pthread_mutex_unlock(&marked.lock);
	return fresh;
}


/* {"incident_id": STRING} and nothing else. */
static bool
mark_body_ok(const struct sbuf *body)
{
	cJSON	*b = body->p != NULL ? cJSON_ParseWithLength(body->p,
	    body->len) : NULL;
	bool	 ok = cJSON_IsObject(b) && cJSON_GetArraySize(b) == 1 &&
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b,
	    "incident_id"));

	cJSON_Delete(b);
	return ok;
}


/* POST .../tags/TAG/production-ready: see the header comment. */
void
route_mark(struct reply *r, const struct request *rq, const char *team,
    const char *art, const char *tag)
{
	cJSON		*tagdoc;
	const cJSON	*t = find_tag(&tagdoc, team, art, tag);

	if (opt.bodylogfd != -1 && rq->body.p != NULL &&
	    (write(opt.bodylogfd, rq->body.p, rq->body.len) !=
	    (ssize_t)rq->body.len || write(opt.bodylogfd, "\n", 1) != 1))
		fail("--body-log: %s", strerror(errno));
	if (!mark_body_ok(&rq->body))
		reply_msg(r, MHD_HTTP_BAD_REQUEST, "Bad request");
	else if (t == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t,
	    "production_ready")))
		reply_problem(r, MHD_HTTP_CONFLICT, "Conflict", t);
	else if (cJSON_GetObjectItemCaseSensitive(t, "scm_source") == NULL)
		reply_problem(r, MHD_HTTP_UNPROCESSABLE_CONTENT,
		    "Unprocessable Entity", t);
	else if (!mark_once(team, art, tag))
		reply_problem(r, MHD_HTTP_CONFLICT, "Conflict", t);
	else
		reply_text(r, MHD_HTTP_NO_CONTENT, "");
	cJSON_Delete(tagdoc);
}


/* Does the image id start with the prefix (with or without "sha256:")? */
static bool
image_matches(const char *image, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (strncmp(image, prefix, n) == 0)
		return true;
	return strncmp(image, "sha256:", 7) == 0 &&
	    strncmp(image + 7, prefix, n) == 0;
}


/* /tags/PREFIX: the tags of the one image the prefix names. */
void
route_image(struct reply *r, const char *prefix)
{
	struct sbuf	 sb = { 0 };
	const char	*found = NULL;
	bool		 many = false;
	cJSON		*tagdoc;
	const cJSON	*t, *img, *name;

	sb_str(&sb, "[");
	for (size_t i = 0; i < nteams; i++)
		for (size_t j = 0; j < teams[i].narts; j++) {
			if (teams[i].arts[j].tags_json == NULL ||
			    (tagdoc = cJSON_Parse(teams[i].arts[j].tags_json))
			    == NULL)
				continue;
			cJSON_ArrayForEach(t, tagdoc) {
				img = cJSON_GetObjectItemCaseSensitive(t,
				    "image");
				name = cJSON_GetObjectItemCaseSensitive(t,
				    "name");
				if (!cJSON_IsString(img) || !cJSON_IsString(name) ||
				    !image_matches(img->valuestring, prefix))
					continue;
				if (found != NULL && strcmp(found,
				    img->valuestring) != 0)
					many = true;
				if (found == NULL)
					found = xstrdup(img->valuestring);
				sb_str(&sb, sb.len > 1 ? ",{\"team\":\"" :
				    "{\"team\":\"");
				sb_esc(&sb, teams[i].name);
				sb_str(&sb, "\",\"artifact\":\"");
				sb_esc(&sb, teams[i].arts[j].name);
				sb_str(&sb, "\",\"name\":\"");
				sb_esc(&sb, name->valuestring);
				sb_str(&sb, "\"}");
			}
			cJSON_Delete(tagdoc);
		}
	sb_str(&sb, "]");
	if (found == NULL)
		reply_msg(r, MHD_HTTP_NOT_FOUND, "Not found");
	else if (many)
		reply_msg(r, MHD_HTTP_PRECONDITION_FAILED, "Ambiguous prefix");
	else
		set_reply(r, MHD_HTTP_OK, &sb);
	if (found == NULL || many)
		free(sb.p);
	free((char *)found);
}
