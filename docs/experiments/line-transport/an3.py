import sys, numpy as np
from collections import defaultdict
rows=defaultdict(list)
for l in open(sys.argv[1]):
    p=l.split()
    if p[5]=='NaN': continue
    rows[p[0]].append([float(p[1]),float(p[2]),float(p[3])]+[float(x) for x in p[5:]])
out=[]
for s,r in rows.items():
    r=np.array(r); a=r[:,10]; sa=r[:,11]; d=r[:,8]
    out.append((r[0,1],r[0,2],len(a),d.mean()/r[0,1],a.mean(),a.mean()/r[0,2],a.std()/a.mean(),np.median(sa),np.corrcoef(a[:-1],a[1:])[0,1],np.std((a-a.mean())/sa)))
for o in sorted(out): print("D %.3f c %.3f n %3d Dhat/D %.3f chat %.4f chat/c %.3f rel %.3f medsa %.4f lag1 %5.2f zsc %.2f"%o)
