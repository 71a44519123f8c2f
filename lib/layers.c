/*
 * The files in an image's layers: the manifest names the layers, each
 * layer (a tar archive, usually gzip'ed) is downloaded to a temporary
 * file and read as a stream by libarchive, so that no layer is ever held
 * in memory, whatever its size.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include <archive.h>
#include <archive_entry.h>

#include "base.h"
#include "http.h"
#include "registry.h"

/* What one call needs while it reads the layers. */
struct job {
	pierone_client *c;
	const char *team, *artifact, *tag;
	struct pierone_layer_files *out;
	int64_t *sizes;			/* declared, or -1, as out->layers */
	size_t cap;			/* of out->files */
	pierone_progress_fn *progress;
	void *arg;
	size_t ordinal;			/* layers downloaded so far */
};

void
pierone_layer_files_free(struct pierone_layer_files *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->count; i++)
		free(f->files[i].name);
	for (size_t i = 0; i < f->nlayers; i++)
		free(f->layers[i]);
	free(f->files);
	free(f->layers);
	free(f);
}

/*
 * Append the digest found at `item`[key] to the list of layers, and the
 * size the item declares (schema 1 declares none: -1).
 */
static int
add_layer(struct job *j, const cJSON *item, const char *key,
    struct pierone_err *err)
{
	struct pierone_layer_files *f = j->out;
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(item, key);
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(item, "size");

	if (!cJSON_IsString(d) || !digest_valid(d->valuestring))
		return err_set(err, PIERONE_EBADRESPONSE, "a layer has no "
		    "valid \"%s\"", key);
	/* 2^53: what a double holds exactly, far beyond any layer. */
	if (size != NULL && (!cJSON_IsNumber(size) || size->valuedouble < 0 ||
	    size->valuedouble > 9007199254740992.0 ||
	    size->valuedouble != (double)(int64_t)size->valuedouble))
		return err_set(err, PIERONE_EBADRESPONSE, "layer %s has no "
		    "valid \"size\"", d->valuestring);
	j->sizes[f->nlayers] = size != NULL ? (int64_t)size->valuedouble : -1;
	if ((f->layers[f->nlayers] = strdup(d->valuestring)) == NULL)
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	f->nlayers++;
	return 0;
}

/*
 * The layers of a manifest, base first: schema 2 and OCI list them so in
 * "layers"; schema 1 lists them top first in "fsLayers".
 */
static int
layers_from_manifest(struct job *j, const char *json, size_t len,
    struct pierone_err *err)
{
	struct pierone_layer_files *f = j->out;
	cJSON *doc = cJSON_ParseWithLength(json, len);
	const cJSON *list, *item;
	bool v1 = false;
	int n, rc = 0;

	if (doc == NULL || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return err_set(err, PIERONE_EBADRESPONSE, "manifest is not a "
		    "JSON object");
	}
	if ((list = cJSON_GetObjectItemCaseSensitive(doc, "layers")) == NULL) {
		list = cJSON_GetObjectItemCaseSensitive(doc, "fsLayers");
		v1 = true;
	}
	if (!cJSON_IsArray(list)) {
		cJSON_Delete(doc);
		return err_set(err, PIERONE_EBADRESPONSE, "manifest lists no "
		    "layers");
	}
	n = cJSON_GetArraySize(list);
	if ((f->layers = calloc((size_t)n + 1, sizeof(char *))) == NULL ||
	    (j->sizes = calloc((size_t)n + 1, sizeof(int64_t))) == NULL) {
		cJSON_Delete(doc);
		return err_set(err, PIERONE_ENOMEM, "out of memory");
	}
	for (int i = 0; i < n && rc == 0; i++) {
		item = cJSON_GetArrayItem(list, v1 ? n - 1 - i : i);
		rc = add_layer(j, item, v1 ? "blobSum" : "digest", err);
	}
	cJSON_Delete(doc);
	return rc;
}

/*
 * An index (or Docker manifest list) stands for its linux/amd64 image,
 * else its first: *path and *body become that manifest's.
 */
static int
platform_manifest(struct job *j, char **path, struct buf *body)
{
	struct v2_manifest m;
	struct pierone_err ignored;
	char *p;
	int rc;

	if (v2_manifest_parse(&m, body->data, body->len, NULL, &ignored) != 0 ||
	    m.kind != MANIFEST_INDEX) {
		free(m.digest);
		return 0;	/* not an index: read as it is */
	}
	rc = repo_path(&p, REPO_MANIFEST, j->team, j->artifact, m.digest,
	    &j->c->err);
	free(m.digest);
	if (rc != 0)
		return rc;
	free(*path);
	*path = p;
	buf_free(body);
	return http_get_manifest(j->c, p, body);
}

static int
get_manifest(struct job *j)
{
	struct buf body = { 0 };
	char *path;
	int rc;

	if ((rc = repo_path(&path, REPO_MANIFEST, j->team, j->artifact, j->tag,
	    &j->c->err)) != 0)
		return rc;
	if ((rc = http_get_manifest(j->c, path, &body)) == 0)
		rc = platform_manifest(j, &path, &body);
	if (rc == PIERONE_ENOTFOUND)
		err_set(&j->c->err, rc, "no manifest for '%s/%s:%s' at %s",
		    j->team, j->artifact, j->tag, j->c->url);
	else if (rc == 0 && (rc = layers_from_manifest(j, body.data,
	    body.len, &j->c->err)) != 0)
		err_prefix(&j->c->err, "GET %s%s", j->c->url, path);
	if (rc != 0 && rc != PIERONE_ENOTFOUND)
		err_prefix(&j->c->err, "cannot read the manifest of '%s/%s:%s'",
		    j->team, j->artifact, j->tag);
	free(path);
	buf_free(&body);
	return rc;
}

/* A temporary file that is gone from the directory as soon as made. */
static int
temp_file(pierone_client *c)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if (asprintf(&path, "%s/pierone-layer.XXXXXX", dir) == -1)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
		fd = err_set(&c->err, PIERONE_EIO, "cannot create a temporary "
		    "file in '%s': %s", dir, strerror(errno));
		free(path);
		return fd;
	}
	unlink(path);
	free(path);
	return fd;
}

static void
layer_progress(void *arg, int64_t done, int64_t total)
{
	struct job *j = arg;

	j->progress(j->arg, j->ordinal, j->out->nlayers, done, total);
}

/* Layer `idx` into `fd`, no longer than declared, verified. */
static int
download_layer(struct job *j, size_t idx, int fd)
{
	const char *digest = j->out->layers[idx];
	char *path;
	int rc;

	if ((rc = repo_path(&path, REPO_BLOB, j->team, j->artifact, digest,
	    &j->c->err)) != 0)
		return rc;
	j->ordinal++;
	rc = http_get_file(j->c, path, fd, j->sizes[idx], j->progress != NULL ?
	    layer_progress : NULL, j);
	if (rc != 0)
		err_prefix(&j->c->err, "cannot download layer %s", digest);
	else
		rc = blob_verify_fd(fd, digest, "layer", &j->c->err);
	free(path);
	return rc;
}

static struct pierone_layer_file *
add_file(struct job *j)
{
	struct pierone_layer_files *f = j->out;
	struct pierone_layer_file *files;
	size_t cap;

	if (f->count == j->cap) {
		cap = j->cap ? j->cap * 2 : 64;
		if ((files = reallocarray(f->files, cap, sizeof(*files))) ==
		    NULL)
			return NULL;
		f->files = files;
		j->cap = cap;
	}
	files = &f->files[f->count++];
	memset(files, 0, sizeof(*files));
	return files;
}

static int
add_entry(struct job *j, size_t idx, struct archive_entry *e)
{
	struct pierone_layer_file *file;
	const char *name = archive_entry_pathname(e);

	if ((file = add_file(j)) == NULL ||
	    (file->name = strdup(name != NULL ? name : "")) == NULL)
		return err_set(&j->c->err, PIERONE_ENOMEM, "out of memory");
	file->layer_index = idx;
	file->layer_id = j->out->layers[idx];
	/* strmode's 11th character is a space or '+' (ACLs): left out. */
	memcpy(file->mode, archive_entry_strmode(e), 10);
	file->mode[10] = '\0';
	file->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	if (archive_entry_mtime_is_set(e)) {
		file->mtime.sec = archive_entry_mtime(e);
		file->mtime.ms = (int)(archive_entry_mtime_nsec(e) / 1000000);
		file->mtime.valid = true;
	}
	return 0;
}

/* Read the downloaded layer in `fd`; *nfiles says how many entries. */
static int
read_layer(struct job *j, size_t idx, int fd, size_t *nfiles)
{
	struct archive *a;
	struct archive_entry *e;
	int r = ARCHIVE_OK, rc = 0;

	*nfiles = 0;
	if (lseek(fd, 0, SEEK_SET) != 0 || (a = archive_read_new()) == NULL)
		return err_set(&j->c->err, PIERONE_EIO, "cannot read layer %s",
		    j->out->layers[idx]);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		r = ARCHIVE_FATAL;
	/* ARCHIVE_EOF is 1, ARCHIVE_OK 0, ARCHIVE_WARN -20: go on with those. */
	while (r == ARCHIVE_OK || r == ARCHIVE_WARN) {
		r = archive_read_next_header(a, &e);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			break;
		if ((rc = add_entry(j, idx, e)) != 0)
			break;
		(*nfiles)++;
		r = archive_read_data_skip(a);
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = err_set(&j->c->err, PIERONE_EBADRESPONSE, "layer %s of "
		    "'%s/%s:%s' is not a valid archive: %s",
		    j->out->layers[idx], j->team, j->artifact, j->tag,
		    archive_error_string(a) != NULL ? archive_error_string(a) :
		    "unreadable");
	archive_read_free(a);
	return rc;
}

/* From the top layer down, until `max` layers with files were read. */
static int
read_layers(struct job *j, long max)
{
	size_t nfiles, found = 0;
	int fd, rc = 0;

	for (size_t i = j->out->nlayers; i-- > 0 && rc == 0;) {
		if ((fd = temp_file(j->c)) < 0)
			return fd;
		if ((rc = download_layer(j, i, fd)) == 0 &&
		    (rc = read_layer(j, i, fd, &nfiles)) == 0 && nfiles > 0)
			found++;
		close(fd);
		if (max > 0 && found >= (size_t)max)
			break;
	}
	return rc;
}

int
pierone_image_files(struct pierone_layer_files **out, pierone_client *c,
    const char *team, const char *artifact, const char *tag,
    long max_layers, pierone_progress_fn *progress, void *arg)
{
	struct job j = { .c = c, .team = team, .artifact = artifact,
	    .tag = tag, .progress = progress, .arg = arg };
	int rc;

	*out = NULL;
	client_err_clear(c);
	/* get_manifest() checks the names before any request. */
	if ((j.out = calloc(1, sizeof(*j.out))) == NULL)
		return err_set(&c->err, PIERONE_ENOMEM, "out of memory");
	if ((rc = get_manifest(&j)) == 0)
		rc = read_layers(&j, max_layers);
	free(j.sizes);
	rc = registry_check(c, rc);
	if (rc != 0) {
		pierone_layer_files_free(j.out);
		return rc;
	}
	*out = j.out;
	return 0;
}
