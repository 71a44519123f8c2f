/*
 * Whether a downloaded blob is the one its digest names: SHA-256 of the
 * bytes (libmd's, the digest library libbsd itself depends on), read in
 * chunks so that a layer is never held in memory.  Only sha256 is
 * verified; a blob named by another algorithm is refused, never used
 * unverified.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <sha2.h>

#include "base.h"
#include "http.h"

#define SHA256_PREFIX	"sha256:"

/* The digest's algorithm is one we can check, else err is set. */
static int
algorithm_known(const char *digest, const char *what,
    struct pierone_err *err)
{
	if (strncmp(digest, SHA256_PREFIX, strlen(SHA256_PREFIX)) == 0)
		return 0;
	return err_set(err, PIERONE_EBADRESPONSE, "cannot verify %s %s: only "
	    "sha256 digests are supported", what, digest);
}

/* Compare what `ctx` has taken in with `digest` (sha256:HEX). */
static int
digest_compare(SHA2_CTX *ctx, const char *digest, const char *what,
    struct pierone_err *err)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];

	SHA256End(ctx, hex);
	if (strcmp(digest + strlen(SHA256_PREFIX), hex) != 0)
		return err_set(err, PIERONE_EBADRESPONSE, "%s %s does not "
		    "match its digest (its content is sha256:%s)", what,
		    digest, hex);
	return 0;
}

int
blob_verify_buf(const void *data, size_t len, const char *digest,
    const char *what, struct pierone_err *err)
{
	SHA2_CTX ctx;
	int rc;

	if ((rc = algorithm_known(digest, what, err)) != 0)
		return rc;
	SHA256Init(&ctx);
	SHA256Update(&ctx, data, len);
	return digest_compare(&ctx, digest, what, err);
}

int
blob_verify_fd(int fd, const char *digest, const char *what,
    struct pierone_err *err)
{
	unsigned char chunk[65536];
	SHA2_CTX ctx;
	ssize_t n;
	int rc;

	if ((rc = algorithm_known(digest, what, err)) != 0)
		return rc;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return err_set(err, PIERONE_EIO, "cannot read %s %s: %s", what,
		    digest, strerror(errno));
	SHA256Init(&ctx);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, PIERONE_EIO, "cannot read %s %s: %s",
			    what, digest, strerror(errno));
		SHA256Update(&ctx, chunk, (size_t)n);
	}
	return digest_compare(&ctx, digest, what, err);
}
