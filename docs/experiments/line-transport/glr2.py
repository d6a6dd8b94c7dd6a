import sys, numpy as np
sys.argv=[sys.argv[0],'x']; exec(open('glr.py').read().split('rows=defaultdict')[0])
from collections import defaultdict
rows=defaultdict(list)
for l in open('steps.txt'):
    p=l.split()
    if p[12]=='NaN': continue
    rows[p[0]].append((int(p[1]),float(p[12]),float(p[13]),float(p[2]),float(p[3])))
for minrel in [0,0.1]:
  for s,r in rows.items():
    r=np.array(r); first=None; zmax=0
    for i in range(len(r)):
        lo=max(0,i-96); x=r[lo:i+1,1]; sd=r[lo:i+1,2]
        if len(x)<8: continue
        z,t,m1,m2=split(x,sd,minrel=minrel)
        zmax=max(zmax,z)
        if z>=5 and first is None: first=(int(r[i,0]),z,m1,m2,int(r[lo+t,0]))
    print(minrel,s,"zmax %.1f first>=5 %s"%(zmax,first))
