import sys
sys.stdout.write("")
raise RuntimeError("the program failed here")
