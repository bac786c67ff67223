// people pages
"use strict";
