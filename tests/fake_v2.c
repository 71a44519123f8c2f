/*
 * fake_v2.c - the fake registry (see fake.h):
 * The Docker Registry HTTP API v2 lists (catalog, tags/list, paged as
 * Distribution does), manifests and blobs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/*
 * n, last and --page-size, which also caps n.  False if the query is
 * malformed or n is not 1..PAGE_MAX: how tests catch a client asking
 * for more than Distribution gives.
 */
static bool
page_parse(struct page *pg, const char *raw)
{
	struct form	 f;
	const char	*q = strchr(raw, '?'), *n;
	unsigned long	 v = 0;
	int		 hasn;

	pg->query = xstrdup(q != NULL ? q + 1 : "");
	pg->last = NULL;
	if (!form_parse(pg->query, &f) || (hasn = form_get(&f, "n", &n)) < 0 ||
	    (hasn == 1 && (!parse_ulong(n, PAGE_MAX, &v) || v == 0)))
		return false;
	form_get(&f, "last", &pg->last);
	if (opt.page_size > 0 && (v == 0 || v > opt.page_size))
		v = opt.page_size;
	pg->on = v > 0 || pg->last != NULL;
	pg->len = v;
	return true;
}


/* Link: <...?last=LAST&n=LEN>; rel="next", as --link-style wants it. */
static void
reply_link(struct reply *r, const char *path, const char *last, size_t len)
{
	struct sbuf	 sb = { 0 };

	sb_str(&sb, "<");
	sb_str(&sb, link_base);
	sb_str(&sb, path);
	sb_str(&sb, "?");
	if (last != NULL) {
		sb_str(&sb, "last=");
		sb_pct(&sb, last);
		sb_str(&sb, "&");
	}
	sb_str(&sb, "n=");
	sb_num(&sb, len < PAGE_MAX ? len : PAGE_MAX);
	sb_str(&sb, ">; rel=\"next\"");
	reply_header(r, "Link", sb.p);
	free(sb.p);
}


/*
 * One page of the list sorted, after `last`, and a Link while more
 * remain.  --short-pages fills only half of it, Link and all: a client
 * must follow the Link, not stop at a page shorter than it asked for.
 */
static void
reply_page(struct reply *r, const struct page *pg, struct names *l,
    const char *head, const char *path)
{
	struct sbuf	 sb = { 0 };
	size_t		 i = 0, k, len = pg->len > 0 ? pg->len : l->n, end;

	qsort(l->v, l->n, sizeof(*l->v), names_cmp);
	while (pg->last != NULL && i < l->n && strcmp(l->v[i], pg->last) <= 0)
		i++;
	k = opt.short_pages && len > 1 ? len / 2 : len;
	end = i + (k < l->n - i ? k : l->n - i);
	sb_str(&sb, head);
	sb_str(&sb, "[");
	for (k = i; k < end; k++) {
		sb_str(&sb, k > i ? ",\"" : "\"");
		sb_esc(&sb, l->v[k]);
		sb_str(&sb, "\"");
	}
	sb_str(&sb, "]}");
	set_reply(r, MHD_HTTP_OK, &sb);
	/* "loop": the second page leads back to the first, and so on. */
	if (end > i && end < l->n)
		reply_link(r, path, opt.link == LINK_LOOP && pg->last != NULL ?
		    NULL : l->v[end - 1], len);
}


static void
reply_bad_page(struct reply *r)
{
	reply_v2err(r, MHD_HTTP_BAD_REQUEST, "PAGINATION_NUMBER_INVALID",
	    "invalid number of results requested");
}


/* /v2/_catalog, paged if asked, else as it always was. */
void
route_catalog(struct reply *r, const char *raw)
{
	struct page	 pg;
	struct names	 l;

	if (!page_parse(&pg, raw))
		reply_bad_page(r);
	else if (!pg.on)
		route_lists(r, true, NULL);
	else {
		catalog_names(&l);
		reply_page(r, &pg, &l, "{\"repositories\":", "/v2/_catalog");
		names_free(&l);
	}
	free(pg.query);
}


/* /v2/TEAM/ARTIFACT/tags/list, paged if asked. */
void
route_tag_list(struct reply *r, const char *team, const char *art,
    const char *raw)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	struct sbuf		 head = { 0 }, path = { 0 };
	struct page		 pg;
	struct names		 l;

	if (!page_parse(&pg, raw))
		reply_bad_page(r);
	else if (a == NULL || !pg.on)
		route_tags(r, team, art, true);
	else {
		tags_head(&head, team, art);
		sb_str(&path, "/v2/");
		sb_pct(&path, team);
		sb_str(&path, "/");
		sb_pct(&path, art);
		sb_str(&path, "/tags/list");
		tag_names(&l, a);
		reply_page(r, &pg, &l, head.p, path.p);
		names_free(&l);
		free(head.p);
		free(path.p);
	}
	free(pg.query);
}


/* A small manifest whose digest is the tag's "digest", else "image". */
static void
digest_manifest(struct reply *r, const cJSON *t)
{
	const cJSON	*d;

	if ((d = cJSON_GetObjectItemCaseSensitive(t, "digest")) == NULL)
		d = cJSON_GetObjectItemCaseSensitive(t, "image");
	if (!cJSON_IsString(d) || strlen(d->valuestring) >= DIGEST_MAX) {
		reply_unknown(r, "MANIFEST_UNKNOWN", "manifest unknown");
		return;
	}
	reply_text(r, MHD_HTTP_OK, "{\"schemaVersion\":2,\"mediaType\":"
	    "\"application/vnd.docker.distribution.manifest.v2+json\"}");
	reply_header(r, "Docker-Content-Digest", d->valuestring);
}


/*
 * /v2/TEAM/ARTIFACT/manifests/REF: a manifest of the tag's
 * "layer_digests"; else a made-up one (see the header comment); else,
 * as Pier One's tests have always had it, digest_manifest().
 */
void
route_manifest(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *ref)
{
	struct sbuf	 sb = { 0 };
	struct mtag	 mt;
	cJSON		*tagdoc, *mdoc = NULL;
	const cJSON	*t = find_tag(&tagdoc, team, art, ref);
	int		 p;

	if (layers_manifest(&sb, t))
		set_reply(r, MHD_HTTP_OK, &sb);
	else if (find_part(&mt, &p, &mdoc, team, art, ref, false))
		reply_part(r, c, &mt, p);
	else
		digest_manifest(r, t);
	cJSON_Delete(mdoc);
	cJSON_Delete(tagdoc);
}


/* The file, relative to the data file's directory, of a layer digest. */
static char *
blob_file(const cJSON *tags, const char *digest)
{
	const cJSON	*tag, *d, *f;
	const char	*slash = strrchr(opt.data, '/');
	int		 dirlen = slash != NULL ? (int)(slash - opt.data) : 1;
	char		*path;

	cJSON_ArrayForEach(tag, tags) {
		d = cJSON_GetObjectItemCaseSensitive(tag, "layer_digests");
		for (int i = 0; i < cJSON_GetArraySize(d); i++) {
			f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
			    tag, "layers"), i);
			if (!cJSON_IsString(cJSON_GetArrayItem(d, i)) ||
			    strcmp(cJSON_GetArrayItem(d, i)->valuestring,
			    digest) != 0 || !cJSON_IsString(f))
				continue;
			if (asprintf(&path, "%.*s/%s", dirlen, slash != NULL ?
			    opt.data : ".", f->valuestring) == -1)
				fail("out of memory");
			return path;
		}
	}
	return NULL;
}


/* /v2/TEAM/ARTIFACT/blobs/DIGEST: a layer file, or a made-up config. */
void
route_blob(struct reply *r, struct MHD_Connection *c, const char *team,
    const char *art, const char *digest)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	cJSON			*tags = NULL;
	char			*path = NULL;
	struct stat		 st;
	struct mtag		 mt;
	int			 fd = -1, p;

	if (a != NULL && a->tags_json != NULL && opt.data != NULL &&
	    (tags = cJSON_Parse(a->tags_json)) != NULL)
		path = blob_file(tags, digest);
	if (path != NULL && (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1 &&
	    fstat(fd, &st) == 0 && fd > 0) {
		reply_text(r, MHD_HTTP_OK, "");
		r->fd = fd;
		r->fsize = (uint64_t)st.st_size;
	} else {
		if (fd != -1)
			close(fd);
		cJSON_Delete(tags);
		if (find_part(&mt, &p, &tags, team, art, digest, true))
			reply_part(r, c, &mt, p);
		else
			reply_unknown(r, "BLOB_UNKNOWN",
			    "blob unknown to registry");
	}
	free(path);
	cJSON_Delete(tags);
}
