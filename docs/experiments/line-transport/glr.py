import sys, numpy as np
from collections import defaultdict
def split(x, s, minb=6, mina=2, minrel=0.0):
    w=1/s**2; n=len(x)
    sw=np.concatenate([[0],np.cumsum(w)]); swx=np.concatenate([[0],np.cumsum(w*x)]); swx2=np.concatenate([[0],np.cumsum(w*x*x)])
    best=(0,-1,0,0)
    for t in range(minb, n-mina+1):
        w1=sw[t]; w2=sw[n]-sw[t]; m1=swx[t]/w1; m2=(swx[n]-swx[t])/w2
        if abs(m2/m1-1) < minrel: continue
        chi2=(swx2[t]-w1*m1*m1)+(swx2[n]-swx2[t]-w2*m2*m2)
        phi=max(1,chi2/(n-2))
        z=abs(m1-m2)/np.sqrt(phi*(1/w1+1/w2))
        if z>best[0]: best=(z,t,m1,m2)
    return best
rows=defaultdict(list)
for l in open(sys.argv[1]):
    p=l.split()
    if p[12]=='NaN': continue
    rows[p[0]].append((int(p[1]),float(p[12]),float(p[13])))
mem=97; minrel=float(sys.argv[2]) if len(sys.argv)>2 else 0
for s,r in rows.items():
    r=np.array(r); zs=[]
    for i in range(len(r)):
        lo=max(0,i-mem+1); x=r[lo:i+1,1]; sd=r[lo:i+1,2]
        if len(x)<8: continue
        zs.append(split(x,sd,minrel=minrel)[0])
    zs=np.array(zs)
    print(s, "n %d max z %.2f  p99 %.2f  >5: %d  >6: %d"%(len(zs), zs.max(), np.percentile(zs,99), (zs>5).sum(), (zs>6).sum()))
