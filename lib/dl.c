/*
 * Loading shared libraries on first use; see curldl.h and archivedl.h for
 * why.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "archivedl.h"
#include "curldl.h"
#include "internal.h"

#ifdef __APPLE__
#define LIBCURL		"libcurl.4.dylib"
#define LIBARCHIVE	"libarchive.13.dylib"
#else
#define LIBCURL		"libcurl.so.4"
#define LIBARCHIVE	"libarchive.so.13"
#endif

struct curl_api pierone_curl;
struct archive_api pierone_archive;

struct sym {
	const char *name;
	size_t offset;
	bool optional;		/* newer than the oldest version we serve */
};

static const struct sym curl_syms[] = {
#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f), false }
	SYM(global_init), SYM(global_cleanup), SYM(easy_init),
	SYM(easy_setopt), SYM(easy_perform), SYM(easy_getinfo),
	SYM(easy_cleanup), SYM(easy_strerror), SYM(slist_append),
	SYM(slist_free_all), SYM(multi_init), SYM(multi_setopt),
	SYM(multi_add_handle), SYM(multi_remove_handle), SYM(multi_perform),
	SYM(multi_info_read), SYM(multi_poll), SYM(multi_cleanup),
#undef SYM
};

static const struct sym archive_syms[] = {
#define SYM(f) { "archive_" #f, offsetof(struct archive_api, f), false }
	SYM(read_new), SYM(read_support_filter_all),
	SYM(read_support_format_tar), SYM(read_support_format_empty),
	SYM(read_open_fd), SYM(read_next_header), SYM(read_data_skip),
	SYM(read_free), SYM(error_string), SYM(entry_pathname),
	SYM(entry_strmode), SYM(entry_size_is_set), SYM(entry_size),
	SYM(entry_mtime_is_set), SYM(entry_mtime), SYM(entry_mtime_nsec),
#undef SYM
};

/* dlopen `soname` once and fill `table` from `syms`. */
static int
dl_load(void **lib, const char *soname, const struct sym *syms, size_t n,
    void *table, int code, struct pierone_err *err)
{
	void *fn;

	if (*lib != NULL)
		return 0;
	/* Never closed: their global state lives as long as we do. */
	if ((*lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(err, code, "cannot load %s: %s", soname,
		    dlerror());
	for (size_t i = 0; i < n; i++) {
		if ((fn = dlsym(*lib, syms[i].name)) == NULL && syms[i].optional)
			continue;
		if (fn == NULL) {
			*lib = NULL;
			return err_set(err, code, "%s has no %s: too old?",
			    soname, syms[i].name);
		}
		/* POSIX guarantees function pointers fit a void * here. */
		memcpy((char *)table + syms[i].offset, &fn, sizeof(fn));
	}
	return 0;
}

int
curl_load(struct pierone_err *err)
{
	static void *lib;

	return dl_load(&lib, LIBCURL, curl_syms, sizeof(curl_syms) /
	    sizeof(curl_syms[0]), &pierone_curl, PIERONE_ENETWORK, err);
}

int
archive_load(struct pierone_err *err)
{
	static void *lib;

	return dl_load(&lib, LIBARCHIVE, archive_syms, sizeof(archive_syms) /
	    sizeof(archive_syms[0]), &pierone_archive, PIERONE_EIO, err);
}
