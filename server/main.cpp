#include "cli/app.hpp"

int main(int argc, char** argv) { return fini::cli::run(argc, argv); }
