#!/usr/bin/python3
# Being written.
import sys
print("skip: being written")
sys.exit(77)
