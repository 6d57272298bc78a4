#pragma once
// Umbrella header of the REST transport module (fini::rest). See each header for its contract.

#include "common/redact.hpp"
#include "rest/base_url.hpp"
#include "rest/encoding.hpp"
#include "rest/http_client.hpp"
