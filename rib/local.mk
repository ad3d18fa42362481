# rib/: paths, best path, multipath, next-hop tracking, FIB (issue 5).
# Depends on tunnel/ and lib/ only.
RIB_LIBS = $(TUNNEL_LIBS)
