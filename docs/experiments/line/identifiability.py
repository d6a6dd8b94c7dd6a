# The line's D from one 1 s window (50 samples, dt 0.02, noise 1e-3) after 60 s of operation, three ways:
# the physics alone by maximum likelihood over the whole trajectory (initial state free), the physics alone in the
# integral form u(T) - u(0) = D L int u dt (minimum-norm remainder, APHYNITY's principle), and that form with the true
# remainder c G int u added (an oracle of the remainder's form). Median over 12 windows per (D, c). numpy + scipy; ~10 min.
# Run: python3 docs/experiments/line/identifiability.py
import numpy as np
from scipy.linalg import expm
N=20; dx=0.1; dt=0.02
x=(np.arange(N)+1)*dx; xmax=(N+1)*dx
L=(np.diag(-2*np.ones(N))+np.diag(np.ones(N-1),1)+np.diag(np.ones(N-1),-1))/dx**2
G=(np.diag(np.ones(N-1),1)-np.diag(np.ones(N-1),-1))/(2*dx)
sine=np.sin(np.pi*x/xmax)
def simulate(D,c,T,rng,noise=1e-3):
    A=D*L+c*G; P=expm(A*dt)
    u=(0.5+rng.random())*sine; out=[]; quiet=0
    for k in range(int(T/dt)):
        out.append(u.copy()); u=P@u
        quiet = quiet+1 if np.abs(u).max()<0.1 else 0
        if quiet>100: u=u+(0.5+rng.random())*sine; quiet=0
    X=np.array(out); return X+noise*rng.standard_normal(X.shape), X
def fit_phys(W, Ds):
    # ML over D with free initial state: x_t = exp(D L t dt) u0
    n=len(W); best=None
    for D in Ds:
        P=expm(D*L*dt); M=[np.eye(N)]
        for k in range(n-1): M.append(P@M[-1])
        Mst=np.vstack(M); u0,res,_,_=np.linalg.lstsq(Mst,W.reshape(-1),rcond=None)
        r=((Mst@u0-W.reshape(-1))**2).sum()
        if best is None or r<best[0]: best=(r,D)
    return best[1]
def fit_weak(W):
    # du = D L int u : regress over the window
    du=W[-1]-W[0]; I=(W[1:]+W[:-1]).sum(0)*dt/2
    a=L@I; return (a@du)/(a@a)
def fit_joint(W):
    du=W[-1]-W[0]; I=(W[1:]+W[:-1]).sum(0)*dt/2
    Amat=np.stack([L@I,G@I],1); sol=np.linalg.lstsq(Amat,du,rcond=None)[0]; return sol
rng=np.random.default_rng(0)  # seed of the table in docs/trainer.md
Ds=np.exp(np.linspace(np.log(0.003),np.log(0.4),120))
for D in [0.005,0.015,0.05,0.15]:
  for c in [0.01,0.05,0.1]:
    Y,X=simulate(D,c,120,rng)
    # windows of 50 samples after 60 s, disjoint
    ph=[];wk=[];jt=[]
    for s in range(3000,6000-50,250):
        W=Y[s:s+50]; ph.append(fit_phys(W,Ds)); wk.append(fit_weak(W)); jt.append(fit_joint(W)[0])
    print(f"D={D:.3f} c={c:.2f}  phys-only med {np.median(ph):.4f} ({np.median(ph)/D:.2f}x)  weak {np.median(wk):.4f} ({np.median(wk)/D:.2f}x)  joint {np.median(jt):.4f} ({np.median(jt)/D:.2f}x) peak {np.abs(X[3000:]).max():.2f}")
