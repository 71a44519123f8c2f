/*
 * fake_manifest.c - the fake registry (see fake.h):
 * Made-up manifests, indexes and configs of a tag, and what Accept
 * headers ask for.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"

static const struct platform platforms[] = {
	{ "amd64", "linux", NULL },		/* P_TOP of an image format */
	{ "arm64", "linux", "2031-01-01T00:00:00Z" },
	{ "amd64", "linux", NULL },
	{ "unknown", "unknown", "2032-01-01T00:00:00Z" },	/* buildx's */
};

static const char *const mfmts[] = { "docker", "oci", "oci-index",
    "docker-list", NULL };


/* A schema 2 (or 1) manifest of the tag's "layer_digests". */
bool
layers_manifest(struct sbuf *sb, const cJSON *t)
{
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(t,
	    "layer_digests"), *s = cJSON_GetObjectItemCaseSensitive(t,
	    "schema"), *sizes = cJSON_GetObjectItemCaseSensitive(t,
	    "layer_sizes"), *size;
	bool		 v1 = cJSON_IsNumber(s) && s->valueint == 1;
	int		 n = cJSON_GetArraySize(d);
	char		 num[48];

	if (!cJSON_IsArray(d))
		return false;
	sb_str(sb, v1 ? "{\"schemaVersion\":1,\"fsLayers\":[" :
	    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker."
	    "distribution.manifest.v2+json\",\"layers\":[");
	for (int i = 0; i < n; i++) {
		s = cJSON_GetArrayItem(d, v1 ? n - 1 - i : i);
		if (!cJSON_IsString(s))
			continue;
		sb_str(sb, i > 0 ? "," : "");
		sb_str(sb, v1 ? "{\"blobSum\":\"" : "{\"mediaType\":\"application"
		    "/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"");
		sb_esc(sb, s->valuestring);
		sb_str(sb, "\"");
		size = cJSON_GetArrayItem(sizes, i);
		if (!v1 && cJSON_IsNumber(size)) {
			snprintf(num, sizeof(num), ",\"size\":%.0f",
			    size->valuedouble);
			sb_str(sb, num);
		}
		sb_str(sb, "}");
	}
	sb_str(sb, "]}");
	return true;
}


/* The index of s in words, NULL-terminated; -1 if not there. */
int
word_index(const char *s, const char *const *words)
{
	int	 i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}


static bool
is_list(const struct mtag *t)
{
	return t->fmt == M_OCI_INDEX || t->fmt == M_DOCKER_LIST;
}


static bool
docker_types(const struct mtag *t)
{
	return t->fmt == M_DOCKER || t->fmt == M_DOCKER_LIST;
}


static bool
part_used(const struct mtag *t, int p)
{
	return is_list(t) ? p != P_TOP_CONFIG : p <= P_TOP_CONFIG;
}


/* The media type a manifest names the part by. */
static const char *
part_type(const struct mtag *t, int p)
{
	if (p % 2 == 1)
		return docker_types(t) ? MT_DCONFIG : MT_OCONFIG;
	if (p == P_TOP && is_list(t))
		return t->fmt == M_OCI_INDEX ? MT_OINDEX : MT_DLIST;
	return docker_types(t) ? MT_DOCKER : MT_OCI;
}


/* out holds DIGEST_MAX; the top manifest may have its digest in data. */
static void
part_digest(char *out, const struct mtag *t, int p)
{
	uint64_t	 h;
	int		 k;

	if (p == P_TOP && t->digest != NULL) {
		strcpy(out, t->digest);
		return;
	}
	h = hash_str(hash_str(hash_str(mix((uint64_t)p), t->team), t->art),
	    t->name);
	out = stpcpy(out, "sha256:");
	for (k = 0; k < 4; k++)
		out = put_hex64(out, mix(h + (uint64_t)k));
	*out = '\0';
}


static void	part_body(struct sbuf *, const struct mtag *, int);


/* {"mediaType":...,"digest":...,"size":N, left open for more. */
static void
sb_descriptor(struct sbuf *sb, const struct mtag *t, int p)
{
	struct sbuf	 body = { 0 };
	char		 d[DIGEST_MAX];

	part_body(&body, t, p);
	part_digest(d, t, p);
	sb_str(sb, "{\"mediaType\":\"");
	sb_str(sb, part_type(t, p));
	sb_str(sb, "\",\"digest\":\"");
	sb_str(sb, d);
	sb_str(sb, "\",\"size\":");
	sb_num(sb, body.len);
	free(body.p);
}


/* A config; a tag whose "created" is null gets none. */
static void
config_body(struct sbuf *sb, const struct mtag *t, int p)
{
	const struct platform	*pl = &platforms[p / 2];
	const char		*created = pl->created != NULL ? pl->created :
	    t->created;

	sb_str(sb, "{\"architecture\":\"");
	sb_str(sb, pl->arch);
	sb_str(sb, "\",\"os\":\"");
	sb_str(sb, pl->os);
	sb_str(sb, "\"");
	if (created != NULL) {
		sb_str(sb, ",\"created\":\"");
		sb_esc(sb, created);
		sb_str(sb, "\"");
	}
	sb_str(sb, ",\"config\":{");
	if (t->labels != NULL) {
		char	*text = cJSON_PrintUnformatted(t->labels);

		if (text == NULL)
			fail("out of memory");
		sb_str(sb, "\"Labels\":");
		sb_str(sb, text);
		free(text);
	}
	sb_str(sb, "}}");
}


/* The tag's "layer_sizes" as layers with made-up digests. */
static void
sb_layers(struct sbuf *sb, const struct mtag *t, int p)
{
	const cJSON	*size;
	char		 d[DIGEST_MAX], *q;
	unsigned long	 i = 0;
	uint64_t	 h;

	cJSON_ArrayForEach(size, t->layer_sizes) {
		part_digest(d, t, p);
		h = hash_str(i, d);
		q = stpcpy(d, "sha256:");
		for (int k = 0; k < 4; k++)
			q = put_hex64(q, mix(h + (uint64_t)k));
		*q = '\0';
		sb_str(sb, i > 0 ? "," : "");
		sb_str(sb, "{\"mediaType\":\"application/vnd.docker.image."
		    "rootfs.diff.tar.gzip\",\"digest\":\"");
		sb_str(sb, d);
		sb_str(sb, "\",\"size\":");
		sb_num(sb, cJSON_IsNumber(size) ? (unsigned long)
		    size->valuedouble : 0);
		sb_str(sb, "}");
		i++;
	}
}


/* OCI's has no mediaType on purpose: clients must read Content-Type. */
static void
image_body(struct sbuf *sb, const struct mtag *t, int p)
{
	sb_str(sb, "{\"schemaVersion\":2,");
	if (docker_types(t))
		sb_str(sb, "\"mediaType\":\"" MT_DOCKER "\",");
	sb_str(sb, "\"config\":");
	sb_descriptor(sb, t, p + 1);
	sb_str(sb, "},\"layers\":[");
	sb_layers(sb, t, p);
	sb_str(sb, "]}");
}


/* arm64 first, so that a client taking the first entry shows it. */
static void
index_body(struct sbuf *sb, const struct mtag *t)
{
	char	 d[DIGEST_MAX];
	int	 p;

	sb_str(sb, "{\"schemaVersion\":2,\"mediaType\":\"");
	sb_str(sb, part_type(t, P_TOP));
	sb_str(sb, "\",\"manifests\":[");
	for (p = P_ARM; p < P_END; p += 2) {
		sb_str(sb, p > P_ARM ? "," : "");
		sb_descriptor(sb, t, p);
		if (p == P_ATT) {
			part_digest(d, t, P_AMD);
			sb_str(sb, ",\"annotations\":{"
			    "\"vnd.docker.reference.digest\":\"");
			sb_str(sb, d);
			sb_str(sb, "\",\"vnd.docker.reference.type\":"
			    "\"attestation-manifest\"}");
		}
		sb_str(sb, ",\"platform\":{\"architecture\":\"");
		sb_str(sb, platforms[p / 2].arch);
		sb_str(sb, "\",\"os\":\"");
		sb_str(sb, platforms[p / 2].os);
		sb_str(sb, "\"}}");
	}
	sb_str(sb, "]}");
}


static void
part_body(struct sbuf *sb, const struct mtag *t, int p)
{
	if (p % 2 == 1)
		config_body(sb, t, p);
	else if (p == P_TOP && is_list(t))
		index_body(sb, t);
	else
		image_body(sb, t, p);
}


/* A --data tag, if it gets made-up manifests (see the header comment). */
static bool
mtag_json(struct mtag *t, const cJSON *tag)
{
	const cJSON	*name = cJSON_GetObjectItemCaseSensitive(tag, "name");
	const cJSON	*cr = cJSON_GetObjectItemCaseSensitive(tag, "created");
	const cJSON	*fm = cJSON_GetObjectItemCaseSensitive(tag, "format");
	const cJSON	*d = cJSON_GetObjectItemCaseSensitive(tag, "digest");
	int		 fmt = M_DOCKER;

	if (fm != NULL && (!cJSON_IsString(fm) ||
	    (fmt = word_index(fm->valuestring, mfmts)) < 0))
		return false;
	if (!cJSON_IsString(name) || (!cJSON_IsString(cr) &&
	    !cJSON_IsNull(cr)) || (fm == NULL && opt.api != API_V2) ||
	    cJSON_GetObjectItemCaseSensitive(tag, "layer_digests") != NULL)
		return false;
	if (!cJSON_IsString(d))
		d = cJSON_GetObjectItemCaseSensitive(tag, "image");
	t->name = name->valuestring;
	t->created = cJSON_IsString(cr) ? cr->valuestring : NULL;
	t->digest = cJSON_IsString(d) && strlen(d->valuestring) < DIGEST_MAX ?
	    d->valuestring : NULL;
	t->labels = cJSON_GetObjectItemCaseSensitive(tag, "labels");
	t->layer_sizes = cJSON_GetObjectItemCaseSensitive(tag, "layer_sizes");
	t->fmt = (enum mfmt)fmt;
	return true;
}


/* Generated tag i, less its "created" (gmtime_r() is not cheap). */
static void
mtag_gen(struct mtag *t, const struct artifact *a, unsigned long i)
{
	*put_num(stpcpy(t->gen[0], "1.0."), i, 1) = '\0';
	*put_digest(t->gen[2], a->seed, i) = '\0';
	t->name = t->gen[0];
	t->created = t->gen[1];
	t->digest = t->gen[2];
	t->labels = t->layer_sizes = NULL;
	t->fmt = M_DOCKER;
}


/*
 * Does ref name a part of t: a tag name its top manifest, a digest any
 * of its manifests or, with `configs`, any of its configs?
 */
static bool
part_named(const struct mtag *t, const char *ref, bool configs, int *p)
{
	char	 d[DIGEST_MAX];

	*p = P_TOP;
	if (strchr(ref, ':') == NULL)
		return !configs && strcmp(t->name, ref) == 0;
	for (*p = P_TOP; *p < P_END; (*p)++) {
		if (!part_used(t, *p) || (*p % 2 == 1) != configs)
			continue;
		part_digest(d, t, *p);
		if (strcmp(d, ref) == 0)
			return true;
	}
	return false;
}


/* Generated tags have no "format": made up with --api v2 only. */
static bool
find_gen_part(struct mtag *t, const struct artifact *a, const char *ref,
    bool configs, int *p)
{
	char		 day[16] = "";
	unsigned long	 i;

	for (i = 0; opt.api == API_V2 && i < a->ngen; i++) {
		mtag_gen(t, a, i);
		if (part_named(t, ref, configs, p)) {
			*put_gen_created(t->gen[1], i, day, sizeof(day)) = '\0';
			return true;
		}
	}
	return false;
}


/*
 * The tag of TEAM/ARTIFACT with made-up manifests, and its part, that
 * ref names; t points into *tagdoc (caller deletes it).
 */
bool
find_part(struct mtag *t, int *p, cJSON **tagdoc, const char *team,
    const char *art, const char *ref, bool configs)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	const cJSON		*tag;

	*tagdoc = NULL;
	t->team = team;
	t->art = art;
	if (a == NULL)
		return false;
	if (a->tags_json == NULL)
		return find_gen_part(t, a, ref, configs, p);
	if ((*tagdoc = cJSON_Parse(a->tags_json)) == NULL)
		return false;
	cJSON_ArrayForEach(tag, *tagdoc)
		if (mtag_json(t, tag) && part_named(t, ref, configs, p))
			return true;
	return false;
}


struct accept {
	const char	*type;
	bool		 sent, ok;
};


/* Does an Accept value list the type or * / *?  Parameters (q) aside. */
static bool
lists_type(const char *list, const char *type)
{
	size_t	 n;

	while (*list != '\0') {
		list += strspn(list, " \t,");
		n = strcspn(list, ";,");
		while (n > 0 && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if ((n == strlen(type) && strncasecmp(list, type, n) == 0) ||
		    (n == 3 && strncmp(list, "*/*", 3) == 0))
			return true;
		list += strcspn(list, ",");
	}
	return false;
}


/* Clients send one Accept header per type: MHD keeps each. */
static enum MHD_Result
accept_scan(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct accept	*a = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_ACCEPT) == 0 && value != NULL) {
		a->sent = true;
		a->ok = a->ok || lists_type(value, a->type);
	}
	return MHD_YES;
}


/* No Accept header at all takes anything. */
static bool
accepts(struct MHD_Connection *c, const char *type)
{
	struct accept	 a = { type, false, false };

	MHD_get_connection_values(c, MHD_HEADER_KIND, accept_scan, &a);
	return !a.sent || a.ok;
}


/* A made-up manifest, if the client takes its type, or a config. */
void
reply_part(struct reply *r, struct MHD_Connection *c, const struct mtag *t,
    int p)
{
	struct sbuf	 sb = { 0 };
	const char	*type = p % 2 == 1 ? "application/octet-stream" :
	    part_type(t, p);
	char		 d[DIGEST_MAX];

	if (p % 2 == 0 && !accepts(c, type)) {
		reply_v2err(r, MHD_HTTP_NOT_FOUND, "MANIFEST_UNKNOWN",
		    "manifest unknown");
		return;
	}
	part_body(&sb, t, p);
	set_reply(r, MHD_HTTP_OK, &sb);
	part_digest(d, t, p);
	reply_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	reply_header(r, "Docker-Content-Digest", d);
}
