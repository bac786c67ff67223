// account pages
"use strict";
