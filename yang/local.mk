# yang/: the configuration model (issue 7).
