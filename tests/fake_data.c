/*
 * fake_data.c - the fake registry (see fake.h):
 * The data served: --data and generated teams, artifacts and tags,
 * their names sorted for /v2.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "fake.h"


/* splitmix64: cheap and deterministic, good enough to pass as a hash. */
uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}


char *
put_hex64(char *p, uint64_t v)
{
	static const char	 hex[] = "0123456789abcdef";
	int			 b;

	for (b = 60; b >= 0; b -= 4)
		*p++ = hex[v >> b & 0xf];
	return p;
}


char *
put_digest(char *p, uint64_t seed, unsigned long i)
{
	int	 k;

	p = stpcpy(p, "sha256:");
	for (k = 0; k < 4; k++)
		p = put_hex64(p, mix(seed << 40 ^ (uint64_t)i << 2 ^
		    (uint64_t)k));
	return p;
}


/* The end is hashed too: "ab" then "c" must differ from "a", "bc". */
uint64_t
hash_str(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = mix(h ^ (unsigned char)*s);
	return mix(h ^ 0x100);
}


/* Generated tag i's "created"; day caches the date part of the last. */
char *
put_gen_created(char *p, unsigned long i, char *day, size_t size)
{
	struct tm	 tm;
	time_t		 t;

	if (i % 1440 == 0 || day[0] == '\0') {
		t = GEN_EPOCH + (time_t)(i / 1440) * 86400;
		gmtime_r(&t, &tm);
		strftime(day, size, "%Y-%m-%dT", &tm);
	}
	p = stpcpy(p, day);
	p = put_num(p, i / 60 % 24, 2);
	*p++ = ':';
	return stpcpy(put_num(p, i % 60, 2), ":00.000Z");
}


/*
 * Generated tags, one minute apart from a midnight on.  Formatted by
 * hand: 100000 snprintf()s would be slow, and gmtime_r() takes a lock
 * that the benchmark's parallel requests would fight over, so it runs
 * once per day of tags only.
 */
void
gen_tags(struct sbuf *sb, const struct artifact *a, bool names_only)
{
	char		 tag[256], day[16] = "", *p;
	unsigned long	 i;

	sb_add(sb, "[", 1);
	for (i = 0; i < a->ngen; i++) {
		p = stpcpy(tag, i > 0 ? "," : "");
		p = stpcpy(p, names_only ? "\"1.0." : "{\"name\":\"1.0.");
		p = stpcpy(put_num(p, i, 1), "\"");
		if (!names_only) {
			p = stpcpy(p, ",\"created\":\"");
			p = put_gen_created(p, i, day, sizeof(day));
			p = stpcpy(p, "\",\"created_by\":\"bench\","
			    "\"image\":\"");
			p = stpcpy(put_digest(p, a->seed, i), "\"}");
		}
		sb_add(sb, tag, (size_t)(p - tag));
	}
	sb_add(sb, "]", 1);
}


struct team *
find_team(const char *name)
{
	size_t	 i;

	for (i = 0; i < nteams; i++)
		if (strcmp(teams[i].name, name) == 0)
			return &teams[i];
	return NULL;
}


struct artifact *
find_artifact(const struct team *t, const char *name)
{
	size_t	 i;

	for (i = 0; t != NULL && i < t->narts; i++)
		if (strcmp(t->arts[i].name, name) == 0)
			return &t->arts[i];
	return NULL;
}


void
names_free(struct names *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}


int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}


/* Every TEAM/ARTIFACT. */
void
catalog_names(struct names *l)
{
	struct sbuf	 sb;
	size_t		 i, j, total = 0;

	for (i = 0; i < nteams; i++)
		total += teams[i].narts;
	l->v = xrealloc(NULL, total + 1, sizeof(*l->v));
	l->n = 0;
	for (i = 0; i < nteams; i++)
		for (j = 0; j < teams[i].narts; j++) {
			sb = (struct sbuf){ 0 };
			sb_str(&sb, teams[i].name);
			sb_str(&sb, "/");
			sb_str(&sb, teams[i].arts[j].name);
			l->v[l->n++] = sb.p;
		}
}


/* The names of the artifact's tags, from --data or generated. */
void
tag_names(struct names *l, const struct artifact *a)
{
	cJSON		*list = NULL;
	const cJSON	*name;
	char		 buf[32];
	size_t		 total = a->ngen;
	unsigned long	 i;

	if (a->names_json != NULL && (list = cJSON_Parse(a->names_json)))
		total = (size_t)cJSON_GetArraySize(list);
	l->v = xrealloc(NULL, total + 1, sizeof(*l->v));
	l->n = 0;
	cJSON_ArrayForEach(name, list)
		l->v[l->n++] = xstrdup(name->valuestring);
	cJSON_Delete(list);
	for (i = 0; i < a->ngen; i++) {
		*put_num(stpcpy(buf, "1.0."), i, 1) = '\0';
		l->v[l->n++] = xstrdup(buf);
	}
}


/* The tag object `name` of TEAM/ARTIFACT, parsed (caller deletes *doc). */
const cJSON *
find_tag(cJSON **tagdoc, const char *team, const char *art, const char *name)
{
	const struct artifact	*a = find_artifact(find_team(team), art);
	const cJSON		*tag, *n;

	*tagdoc = NULL;
	if (a == NULL || a->tags_json == NULL ||
	    (*tagdoc = cJSON_Parse(a->tags_json)) == NULL)
		return NULL;
	cJSON_ArrayForEach(tag, *tagdoc) {
		n = cJSON_GetObjectItemCaseSensitive(tag, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return tag;
	}
	return NULL;
}


struct team *
new_team(const char *name)
{
	if (find_team(name) != NULL)
		fail("duplicate team \"%s\"", name);
	teams = xrealloc(teams, nteams + 1, sizeof(*teams));
	teams[nteams] = (struct team){ .name = xstrdup(name) };
	return &teams[nteams++];
}


struct artifact *
new_artifact(struct team *t, const char *name)
{
	t->arts = xrealloc(t->arts, t->narts + 1, sizeof(*t->arts));
	t->arts[t->narts] = (struct artifact){ .name = xstrdup(name) };
	return &t->arts[t->narts++];
}


/* Tags are kept as text: served verbatim, and read-only when shared. */
static void
load_artifact(struct team *t, const cJSON *ja)
{
	struct artifact	*a = new_artifact(t, ja->string);
	struct sbuf	 sb = { 0 };
	const cJSON	*tag, *name;

	if ((a->tags_json = cJSON_PrintUnformatted(ja)) == NULL)
		fail("out of memory");
	sb_str(&sb, "[");
	cJSON_ArrayForEach(tag, ja) {
		name = cJSON_GetObjectItemCaseSensitive(tag, "name");
		if (!cJSON_IsString(name))
			continue;	/* odd tags stay in the full list only */
		sb_str(&sb, sb.len > 1 ? ",\"" : "\"");
		sb_esc(&sb, name->valuestring);
		sb_str(&sb, "\"");
	}
	sb_str(&sb, "]");
	a->names_json = sb.p;
}


void
load_data(const char *file)
{
	const cJSON	*jteams, *jt, *ja;
	struct team	*t;
	struct sbuf	 sb = { 0 };
	char		 buf[65536];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(file, "r")) == NULL)
		fail("%s: %s", file, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_add(&sb, buf, n);
	if (!ferror(fp) && sb.p != NULL)
		doc = cJSON_ParseWithLength(sb.p, sb.len);
	fclose(fp);
	free(sb.p);
	if (doc == NULL)
		fail("%s: unreadable, or not valid JSON", file);
	jteams = cJSON_GetObjectItemCaseSensitive(doc, "teams");
	if (!cJSON_IsObject(jteams))
		fail("%s: expected {\"teams\": {...}}", file);
	cJSON_ArrayForEach(jt, jteams) {
		if (!cJSON_IsObject(jt))
			fail("%s: team \"%s\" is not an object", file,
			    jt->string);
		t = new_team(jt->string);
		cJSON_ArrayForEach(ja, jt) {
			if (!cJSON_IsArray(ja))
				fail("%s: artifact \"%s/%s\" is not an array",
				    file, jt->string, ja->string);
			load_artifact(t, ja);
		}
	}
	cJSON_Delete(doc);
	doc = NULL;
}
