/*
 * The test runner: every module's suite in one Check runner.
 * CK_RUN_SUITE / CK_RUN_CASE select a part, as Check documents.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "tests.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(time_suite());
	srunner_add_suite(sr, names_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, latest_suite());
	srunner_add_suite(sr, jscan_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, token_suite());
	srunner_add_suite(sr, output_suite());
	srunner_add_suite(sr, dockercfg_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, regauth_suite());
	srunner_add_suite(sr, v2_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, inspect_suite());
	srunner_add_suite(sr, describe_suite());
	srunner_add_suite(sr, login_suite());
	srunner_add_suite(sr, cache_suite());
	srunner_add_suite(sr, tty_suite());
	srunner_add_suite(sr, faults_suite());
	srunner_add_suite(sr, serverdata_suite());
	srunner_add_suite(sr, configpath_suite());
	srunner_add_suite(sr, files_suite());
	srunner_add_suite(sr, rewrite_suite());
	srunner_add_suite(sr, filters_suite());
	srunner_add_suite(sr, reference_suite());
	srunner_add_suite(sr, ramp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
