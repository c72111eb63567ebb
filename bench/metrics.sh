# Shared by the bench scripts (source it): metrics PROPORTIONS TRUTH MAP -> "overall CCC / median per-type r",
# from bench/model_metrics.py (needs python3-numpy).
metrics() {
  local out
  out=$(/usr/bin/python3 bench/model_metrics.py "$1" "$2" "$3" x)
  printf '%s / %s' "$(echo "$out" | awk -F'\t' '$2 == "overall" {print $3}')" \
    "$(echo "$out" | awk -F'\t' 'NR > 1 && $2 != "overall" {print $4}' | sort -g |
       awk '{a[NR] = $1} END {printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')"
}
