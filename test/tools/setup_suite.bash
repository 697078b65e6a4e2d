source "$BATS_TEST_DIRNAME/../setup_suite.bash"
