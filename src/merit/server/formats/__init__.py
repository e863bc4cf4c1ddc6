"""Merit's own date formats where Django's do not suit (``FORMAT_MODULE_PATH``): English pages say
"31 December 2027, 18:26" (European usage), not "Dec. 31, 2027, 6:26 p.m.", whose full stop doubled at the end of
a sentence."""
