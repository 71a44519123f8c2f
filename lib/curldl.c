/*
 * Loading libcurl on first use; see curldl.h for why.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "curldl.h"
#include "internal.h"

#ifdef __APPLE__
#define LIBCURL "libcurl.4.dylib"
#else
#define LIBCURL "libcurl.so.4"
#endif

struct curl_api pierone_curl;

static const struct {
	const char *name;
	size_t offset;
	bool optional;		/* newer than the oldest libcurl we serve */
} symbols[] = {
#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f), false }
#define OPT(f) { "curl_" #f, offsetof(struct curl_api, f), true }
	SYM(global_init), SYM(global_cleanup), SYM(easy_init),
	SYM(easy_setopt), SYM(easy_perform), SYM(easy_getinfo),
	SYM(easy_cleanup), SYM(easy_strerror), SYM(slist_append),
	SYM(slist_free_all), SYM(multi_init), SYM(multi_setopt),
	SYM(multi_add_handle), SYM(multi_remove_handle), SYM(multi_perform),
	SYM(multi_info_read), SYM(multi_poll), SYM(multi_cleanup),
	OPT(easy_header),	/* 7.83: only latest --digest needs it */
#undef SYM
#undef OPT
};

int
curl_load(struct pierone_err *err)
{
	static void *lib;
	void *fn;

	if (lib != NULL)
		return 0;
	/* Never closed: libcurl's global state lives as long as we do. */
	if ((lib = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(err, PIERONE_ENETWORK, "cannot load %s: %s",
		    LIBCURL, dlerror());
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if ((fn = dlsym(lib, symbols[i].name)) == NULL &&
		    symbols[i].optional)
			continue;
		if (fn == NULL) {
			err_set(err, PIERONE_ENETWORK, "%s has no %s: too old?",
			    LIBCURL, symbols[i].name);
			lib = NULL;
			return PIERONE_ENETWORK;
		}
		/* POSIX guarantees function pointers fit a void * here. */
		memcpy((char *)&pierone_curl + symbols[i].offset, &fn,
		    sizeof(fn));
	}
	return 0;
}
