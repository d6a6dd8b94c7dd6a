import sys, numpy as np
from collections import defaultdict
rows=defaultdict(list)
for l in open(sys.argv[1]):
    p=l.split()
    if p[5]=='NaN': continue
    rows[p[0]].append([float(p[1]),float(p[2]),float(p[3])]+[float(x) for x in p[5:]])
out=[]
for s,r in rows.items():
    r=np.array(r); r=r[r[:,0]>int(sys.argv[2]) if len(sys.argv)>2 else r[:,0]>0]; a=r[:,5]; sa=r[:,6]
    out.append((r[0,1],r[0,2],len(a),a.mean(),a.std(),a.std()/a.mean(),np.median(sa),np.corrcoef(a[:-1],a[1:])[0,1],np.std((a-a.mean())/sa)))
for o in sorted(out): print("D %.3f c %.3f n %3d a %6.2f sd %5.2f rel %.3f medsa %.3f lag1 %5.2f zsc %.2f"%o)
