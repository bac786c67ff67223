// films pages
"use strict";
